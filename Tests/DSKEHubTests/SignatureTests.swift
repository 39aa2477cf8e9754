import DSKECore
import DSKEHub
import DSKEService
import Foundation
import Testing

/// Signature checks at the hub: a failed check burns no PSRD, a replay is refused, and a peer that
/// keeps failing is slowed down with 429 before any PSRD is looked at.
@Suite struct SignatureTests {
    static let json = [("Content-Type", "application/json")]

    func getURL(_ hub: HubFixture, _ query: String) -> String { hub.baseURL + "/dske/api/v1/key-share?" + query }

    @Test func aMissingOrMalformedSignatureIs401AndCostsNothing() async throws {
        try await HubFixture.with { hub in
            let carol = try await TestClient.make("carol", encryptors: ["sam"], hub: hub)
            _ = try await TestClient.make("connie", encryptors: ["sofia"], hub: hub)
            let body = try await carol.postBody(masterSAE: "sam", slaveSAE: "sofia", keyID: UUID(), share: testShare())
            let before = await hub.levels("carol")
            let uuid = UUID().lowercased
            let headers: [[(String, String)]] = [
                [],
                [("DSKE-Signature", "")],
                [("DSKE-Signature", "garbage")],
                [("DSKE-Signature", "\(uuid):0:32%AAAA")],
                [("DSKE-Signature", "\(uuid):0:32%" + String(repeating: "A", count: 43) + "=")],
                [("DSKE-Signature", "\(uuid.uppercased()):0:32%" + String(repeating: "A", count: 43) + "=")],
                [("DSKE-Signature", "\(uuid):0:32%%" + String(repeating: "A", count: 43) + "=")],
            ]
            for extra in headers {
                let reply = try await RawHTTP.send(.POST, hub.baseURL + "/dske/api/v1/key-share", headers: Self.json + extra, body: body)
                #expect(reply.status == 401, "\(extra): \(reply)")
                #expect(reply.isJSONError, "\(reply)")
                #expect(reply.signature == nil, "error answers are not signed")
            }
            #expect(await hub.levels("carol") == before)
        }
    }

    @Test func aForgedTagBurnsNothingSoTheGenuineMessageStillPasses() async throws {
        try await HubFixture.with { hub in
            let carol = try await TestClient.make("carol", encryptors: ["sam"], hub: hub)
            _ = try await TestClient.make("connie", encryptors: ["sofia"], hub: hub)
            let body = try await carol.postBody(masterSAE: "sam", slaveSAE: "sofia", keyID: UUID(), share: testShare())
            let forged = try await carol.signature(query: "", body: body, forged: true)
            let before = await hub.levels("carol")
            let refused = try await RawHTTP.send(.POST, hub.baseURL + "/dske/api/v1/key-share",
                                                 headers: Self.json + [("DSKE-Signature", forged.header)], body: body)
            #expect(refused.status == 401)
            #expect(refused.error?.message == "Invalid signature.")
            #expect(await hub.levels("carol") == before, "the named MAC key and the pad are still unused")

            // The same allocation with the right tag (what carol really sent) is accepted.
            let tag = MessageAuthenticator(kind: .hmacSHA256).tag(key: forged.key, message: [[], body])
            let genuine = DSKESignature(allocation: forged.allocation, tag: tag).headerValue
            let accepted = try await RawHTTP.send(.POST, hub.baseURL + "/dske/api/v1/key-share",
                                                  headers: Self.json + [("DSKE-Signature", genuine)], body: body)
            #expect(accepted.status == 200, "\(accepted)")
            #expect(before.peer - (await hub.levels("carol")).peer == 64)
        }
    }

    @Test func aTamperedBodyOrQueryIsRefused() async throws {
        try await HubFixture.with { hub in
            let carol = try await TestClient.make("carol", encryptors: ["sam"], hub: hub)
            let connie = try await TestClient.make("connie", encryptors: ["sofia"], hub: hub)
            let keyID = UUID()
            #expect(try await carol.postShare(masterSAE: "sam", slaveSAE: "sofia", keyID: keyID, share: testShare()).status == 200)
            // connie signs a query for her own pair, the attacker swaps the key ID.
            let query = "client_name=connie&master_sae_id=sam&slave_sae_id=sofia&key_id=\(UUID().lowercased)"
            let signed = try await connie.signature(query: query, body: [])
            let swapped = "client_name=connie&master_sae_id=sam&slave_sae_id=sofia&key_id=\(keyID.lowercased)"
            let reply = try await RawHTTP.send(.GET, getURL(hub, swapped), headers: [("DSKE-Signature", signed.header)])
            #expect(reply.status == 401)
        }
    }

    @Test func aReplayedRequestIsRefused() async throws {
        try await HubFixture.with { hub in
            let carol = try await TestClient.make("carol", encryptors: ["sam"], hub: hub)
            let connie = try await TestClient.make("connie", encryptors: ["sofia"], hub: hub)
            let keyID = UUID()
            #expect(try await carol.postShare(masterSAE: "sam", slaveSAE: "sofia", keyID: keyID, share: testShare()).status == 200)
            let query = "client_name=connie&master_sae_id=sam&slave_sae_id=sofia&key_id=\(keyID.lowercased)"
            let signed = try await connie.signature(query: query, body: [])
            let first = try await RawHTTP.send(.GET, getURL(hub, query), headers: [("DSKE-Signature", signed.header)])
            #expect(first.status == 200)
            #expect(first.signature != nil)
            let replay = try await RawHTTP.send(.GET, getURL(hub, query), headers: [("DSKE-Signature", signed.header)])
            #expect(replay.status == 401, "\(replay)")
            #expect(replay.isJSONError)

            // A replayed POST (fresh key ID impossible: the body is signed) is refused too.
            let body = try await carol.postBody(masterSAE: "sam", slaveSAE: "sofia", keyID: UUID(), share: testShare())
            let postSignature = try await carol.signature(query: "", body: body)
            let posted = try await RawHTTP.send(.POST, hub.baseURL + "/dske/api/v1/key-share",
                                                headers: Self.json + [("DSKE-Signature", postSignature.header)], body: body)
            #expect(posted.status == 200)
            let again = try await RawHTTP.send(.POST, hub.baseURL + "/dske/api/v1/key-share",
                                               headers: Self.json + [("DSKE-Signature", postSignature.header)], body: body)
            #expect(again.status == 401)
        }
    }

    @Test func repeatedForgeriesGet429WithoutTouchingPSRDUntilTheWindowPasses() async throws {
        let settings = HubSettings(name: "hank", maxSignatureFailures: 3, failureWindow: .seconds(60))
        try await HubFixture.with(settings) { hub in
            let carol = try await TestClient.make("carol", encryptors: ["sam"], hub: hub)
            _ = try await TestClient.make("connie", encryptors: ["sofia"], hub: hub)
            let body = try await carol.postBody(masterSAE: "sam", slaveSAE: "sofia", keyID: UUID(), share: testShare())
            let forged = try await carol.signature(query: "", body: body, forged: true)
            let before = await hub.levels("carol")
            var statuses: [Int] = []
            for _ in 0..<6 {
                let reply = try await RawHTTP.send(.POST, hub.baseURL + "/dske/api/v1/key-share",
                                                   headers: Self.json + [("DSKE-Signature", forged.header)], body: body)
                #expect(reply.isJSONError)
                statuses.append(reply.status)
            }
            #expect(statuses == [401, 401, 401, 429, 429, 429])
            // Even a valid message from that peer and address waits out the window...
            let tag = MessageAuthenticator(kind: .hmacSHA256).tag(key: forged.key, message: [[], body])
            let genuine = DSKESignature(allocation: forged.allocation, tag: tag).headerValue
            let blocked = try await RawHTTP.send(.POST, hub.baseURL + "/dske/api/v1/key-share",
                                                 headers: Self.json + [("DSKE-Signature", genuine)], body: body)
            #expect(blocked.status == 429)
            #expect(await hub.levels("carol") == before, "no PSRD was used by any of it")
            // ...and passes after it.
            hub.clock.advance(by: .seconds(61))
            let later = try await RawHTTP.send(.POST, hub.baseURL + "/dske/api/v1/key-share",
                                               headers: Self.json + [("DSKE-Signature", genuine)], body: body)
            #expect(later.status == 200, "\(later)")
        }
    }

    @Test func aSignatureFromAnotherClientsPoolDoesNotPassAsHers() async throws {
        try await HubFixture.with { hub in
            let carol = try await TestClient.make("carol", encryptors: ["sam"], hub: hub)
            let cindy = try await TestClient.make("cindy", encryptors: [], hub: hub)
            _ = try await TestClient.make("connie", encryptors: ["sofia"], hub: hub)
            // cindy signs with her own PSRD but claims to be connie.
            let query = "client_name=connie&master_sae_id=sam&slave_sae_id=sofia&key_id=\(UUID().lowercased)"
            let signed = try await cindy.signature(query: query, body: [])
            let reply = try await RawHTTP.send(.GET, getURL(hub, query), headers: [("DSKE-Signature", signed.header)])
            #expect(reply.status == 401)
            _ = carol
        }
    }
}
