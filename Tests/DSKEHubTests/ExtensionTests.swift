import DSKECore
import DSKEHub
import DSKEService
import Foundation
import Testing

/// The batch, delete and capabilities extensions.
@Suite struct ExtensionTests {
    @Test func capabilitiesAreUnsigned() async throws {
        try await HubFixture.with { hub in
            let reply = try await RawHTTP.send(.GET, hub.baseURL + "/dske/api/v1/capabilities")
            #expect(reply.status == 200)
            #expect(reply.text == #"{"batch":true,"delete":true}"#)
            #expect(reply.signature == nil)
        }
    }

    func batch(_ client: TestClient, keys: [UUID], masterSAE: String = "sam", slaveSAE: String = "sofia") async throws -> [UInt8] {
        var shares: [BatchKeyShare] = []
        for (i, key) in keys.enumerated() {
            let value = testShare(32, seed: UInt8(i))
            let (allocation, pad) = try await client.store.allocate(peer: client.hub.name, size: value.count)
            shares.append(BatchKeyShare(userKeyID: key, shareIndex: 2, encryptionKeyAllocation: allocation,
                                        encryptedShareValue: OneTimePad.apply(pad: pad, to: value)))
        }
        return WireCoding.encode(PostKeySharesRequest(masterClientName: client.name, masterSAEID: masterSAE, slaveSAEID: slaveSAE, shares: shares))
    }

    func fetch(_ client: TestClient, keys: [UUID], masterSAE: String = "sam", slaveSAE: String = "sofia") async throws -> PeerResponse {
        let body = WireCoding.encode(FetchKeySharesRequest(clientName: client.name, masterSAEID: masterSAE, slaveSAEID: slaveSAE, keyIDs: keys))
        return try await client.connection.send(.POST, path: "/dske/api/v1/key-shares/fetch", body: body, signed: true)
    }

    @Test func aBatchIsPostedAndFetchedWithOneMACKeyPerMessage() async throws {
        try await HubFixture.with { hub in
            let carol = try await TestClient.make("carol", encryptors: ["sam"], hub: hub)
            let connie = try await TestClient.make("connie", encryptors: ["sofia"], hub: hub)
            let keys = (0..<8).map { _ in UUID() }
            let carolBefore = await carol.levels()
            let posted = try await carol.connection.send(.POST, path: "/dske/api/v1/key-shares", body: try await batch(carol, keys: keys), signed: true)
            #expect(posted.status == 200, "\(posted.text)")
            #expect(posted.body == Array("null".utf8))
            #expect(carolBefore.own - (await carol.levels()).own == 8 * 32 + 32)

            // Fetch in another order, with one key the hub never saw: it is left out.
            let unknown = UUID()
            let order = [keys[5], unknown] + keys.filter { $0 != keys[5] }
            let connieBefore = await connie.levels()
            let fetched = try await fetch(connie, keys: order)
            #expect(fetched.status == 200, "\(fetched.text)")
            let message = try fetched.decode(FetchKeySharesResponse.self)
            #expect(message.shares.map(\.userKeyID) == order.filter { $0 != unknown })
            for share in message.shares {
                let pad = try await connie.store.take(peer: "hank", allocation: share.encryptionKeyAllocation)
                let i = keys.firstIndex(of: share.userKeyID)!
                #expect(OneTimePad.apply(pad: pad, to: share.encryptedShareValue) == testShare(32, seed: UInt8(i)))
                #expect(share.shareIndex == 2)
            }
            #expect(connieBefore.own - (await connie.levels()).own == 32)
            #expect(connieBefore.peer - (await connie.levels()).peer == 8 * 32 + 32)

            // Delivered means gone.
            let again = try await fetch(connie, keys: keys)
            #expect(again.status == 404)
        }
    }

    @Test func aBatchFetchByAnotherClientGetsNothing() async throws {
        try await HubFixture.with { hub in
            let carol = try await TestClient.make("carol", encryptors: ["sam"], hub: hub)
            let connie = try await TestClient.make("connie", encryptors: ["sofia"], hub: hub)
            let cindy = try await TestClient.make("cindy", encryptors: [], hub: hub)
            let keys = [UUID(), UUID()]
            #expect(try await carol.connection.send(.POST, path: "/dske/api/v1/key-shares", body: try await batch(carol, keys: keys), signed: true).status == 200)
            let stolen = try await fetch(cindy, keys: keys)
            #expect(stolen.status == 401)
            #expect(!stolen.text.contains("share_index"))
            let mixed = try await fetch(connie, keys: keys, slaveSAE: "serena")
            #expect(mixed.status == 401)
            let rightful = try await fetch(connie, keys: keys)
            #expect(rightful.status == 200)
            #expect(try rightful.decode(FetchKeySharesResponse.self).shares.count == 2)
        }
    }

    @Test func aBatchIsAllOrNothing() async throws {
        try await HubFixture.with { hub in
            let carol = try await TestClient.make("carol", encryptors: ["sam"], hub: hub)
            let connie = try await TestClient.make("connie", encryptors: ["sofia"], hub: hub)
            let held = UUID()
            #expect(try await carol.postShare(masterSAE: "sam", slaveSAE: "sofia", keyID: held, share: testShare()).status == 200)
            let fresh = UUID()
            let before = await hub.levels("carol")
            let refused = try await carol.connection.send(.POST, path: "/dske/api/v1/key-shares",
                                                          body: try await batch(carol, keys: [fresh, held]), signed: true)
            #expect(refused.status == 409)
            // Both pads and the MAC key were taken anyway (carol counts them as used).
            #expect(before.peer - (await hub.levels("carol")).peer == 3 * 32)
            let none = try await fetch(connie, keys: [fresh])
            #expect(none.status == 404)
        }
    }

    @Test func badBatchesAre400() async throws {
        try await HubFixture.with { hub in
            let carol = try await TestClient.make("carol", encryptors: ["sam"], hub: hub)
            let bodies = [
                #"{"master_client_name":"carol","master_sae_id":"sam","slave_sae_id":"sofia","shares":[]}"#,
                #"{"master_client_name":"carol","master_sae_id":"sam","slave_sae_id":"sofia"}"#,
                #"{"master_client_name":"carol","master_sae_id":"sam","slave_sae_id":"sofia","shares":{}}"#,
            ]
            for body in bodies {
                let reply = try await carol.connection.send(.POST, path: "/dske/api/v1/key-shares", body: Array(body.utf8), signed: true)
                #expect(reply.status == 400, "\(body): \(reply.text)")
            }
            let duplicate = UUID()
            let twice = try await carol.connection.send(.POST, path: "/dske/api/v1/key-shares",
                                                        body: try await batch(carol, keys: [duplicate, duplicate]), signed: true)
            #expect(twice.status == 400)
            let fetches = [
                #"{"client_name":"carol","master_sae_id":"sam","slave_sae_id":"sofia","key_ids":[]}"#,
                #"{"client_name":"carol","master_sae_id":"sam","slave_sae_id":"sofia","key_ids":["x"]}"#,
                #"{"client_name":"carol","key_ids":[]}"#,
            ]
            for body in fetches {
                let reply = try await carol.connection.send(.POST, path: "/dske/api/v1/key-shares/fetch", body: Array(body.utf8), signed: true)
                #expect(reply.status == 400, "\(body): \(reply.text)")
            }
        }
    }
}
