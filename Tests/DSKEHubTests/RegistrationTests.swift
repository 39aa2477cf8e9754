import DSKECore
import DSKEHub
import DSKEService
import Foundation
import Testing

/// Registrations and PSRD survive a hub restart; shares deliberately do not.
@Suite struct RegistrationTests {
    @Test func theAnswerIsTheReferences() async throws {
        try await HubFixture.with { hub in
            let body = Array(#"{"client_name": "carol", "encryptor_names": ["sam"]}"#.utf8)
            let reply = try await RawHTTP.send(.PUT, hub.baseURL + "/dske/oob/v1/registration",
                                               headers: [("Content-Type", "application/json")], body: body)
            #expect(reply.status == 200)
            #expect(reply.text == #"{"hub_name":"hank"}"#)
        }
    }

    @Test func registrationsAndPoolsSurviveARestartButPendingSharesDoNot() async throws {
        try await HubFixture.with { hub in
            let carol = try await TestClient.make("carol", encryptors: ["sam"], hub: hub)
            let connie = try await TestClient.make("connie", encryptors: ["sofia"], hub: hub)
            let lost = UUID()
            #expect(try await carol.postShare(masterSAE: "sam", slaveSAE: "sofia", keyID: lost, share: testShare()).status == 200)
            let levels = await hub.levels("carol")

            try await hub.restart()

            // The store reopened with the same pools (a clean close skips nothing).
            #expect(await hub.levels("carol") == levels)
            // carol and connie are still known, without registering again.
            let psrd = try await RawHTTP.send(.GET, hub.baseURL + "/dske/oob/v1/psrd?client_name=carol&pool_owner=client&size=16")
            #expect(psrd.status == 200, "\(psrd)")
            let status = try await RawHTTP.send(.GET, hub.baseURL + "/mgmt/v1/status")
            guard case .object(let object)? = status.json, case .array(let registrations)? = object["registrations"] else {
                Issue.record("\(status)"); return
            }
            #expect(registrations == [
                ["client_name": "carol", "encryptor_names": ["sam"]],
                ["client_name": "connie", "encryptor_names": ["sofia"]],
            ])
            // The share in flight is gone: no plaintext share is ever written to disk.
            let retried = PeerConnection(baseURL: hub.baseURL, peer: "hank", store: connie.store, authenticator: MessageAuthenticator(kind: .hmacSHA256))
            let gone = try await retried.send(.GET, path: "/dske/api/v1/key-share",
                                              query: connie.getQuery(masterSAE: "sam", slaveSAE: "sofia", keyID: lost), signed: true)
            #expect(gone.status == 404)

            // And the relay works on with the PSRD both sides kept.
            let carolAgain = TestClient(name: "carol", hub: hub, store: carol.store,
                                        connection: PeerConnection(baseURL: hub.baseURL, peer: "hank", store: carol.store,
                                                                   authenticator: MessageAuthenticator(kind: .hmacSHA256)))
            let connieAgain = TestClient(name: "connie", hub: hub, store: connie.store, connection: retried)
            let keyID = UUID()
            #expect(try await carolAgain.postShare(masterSAE: "sam", slaveSAE: "sofia", keyID: keyID, share: testShare()).status == 200)
            let (got, _, value) = try await connieAgain.getShare(masterSAE: "sam", slaveSAE: "sofia", keyID: keyID)
            #expect(got.status == 200)
            #expect(value == testShare())
        }
    }

    @Test func reRegistrationReplacesEncryptorsAndKeepsPools() async throws {
        try await HubFixture.with { hub in
            _ = try await TestClient.make("carol", encryptors: ["sam"], hub: hub)
            let levels = await hub.levels("carol")
            try await hub.register("carol", encryptors: ["sam", "sunny"])
            #expect(await hub.levels("carol") == levels)
            try await hub.register("carol", encryptors: ["sunny"])
            // sam is free again, so another client may claim it.
            try await hub.register("curtis", encryptors: ["sam"])
        }
    }

    @Test func anEncryptorBelongsToOneClient() async throws {
        try await HubFixture.with { hub in
            try await hub.register("connie", encryptors: ["sofia"])
            let body = WireCoding.encode(RegistrationRequest(clientName: "mallory", encryptorNames: ["sofia"]))
            let reply = try await RawHTTP.send(.PUT, hub.baseURL + "/dske/oob/v1/registration",
                                               headers: [("Content-Type", "application/json")], body: body)
            #expect(reply.status == 409)
            #expect(reply.isJSONError)
            let status = try await RawHTTP.send(.GET, hub.baseURL + "/mgmt/v1/status")
            guard case .object(let object)? = status.json, case .array(let registrations)? = object["registrations"] else {
                Issue.record("\(status)"); return
            }
            #expect(registrations.count == 1)
        }
    }

    @Test func withoutOutOfBandHTTPTheOOBEndpointsDoNotExist() async throws {
        try await HubFixture.with(HubSettings(name: "hank", outOfBandHTTP: false)) { hub in
            let registration = try await RawHTTP.send(.PUT, hub.baseURL + "/dske/oob/v1/registration",
                                                      headers: [("Content-Type", "application/json")],
                                                      body: Array(#"{"client_name":"carol","encryptor_names":[]}"#.utf8))
            #expect(registration.status == 404)
            #expect(registration.isJSONError)
            let psrd = try await RawHTTP.send(.GET, hub.baseURL + "/dske/oob/v1/psrd?client_name=carol&pool_owner=client&size=10")
            #expect(psrd.status == 404)
        }
    }
}
