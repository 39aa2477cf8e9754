import DSKECore
import DSKEHub
import DSKEService
import Foundation
import PSRDStore
import Testing

/// The batch, delete and capabilities extensions.
@Suite struct ExtensionTests {
    @Test func capabilitiesAreUnsigned() async throws {
        try await HubFixture.with { hub in
            let reply = try await RawHTTP.send(.GET, hub.baseURL + "/dske/api/v1/capabilities")
            #expect(reply.status == 200)
            #expect(reply.text == #"{"batch":true,"delete":true,"resume":true,"multi":true,"packed":true}"#)
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

    @Test func resumeMovesTheHubsCursorBeyondARestartedClientsReplayWindow() async throws {
        try await HubFixture.with { hub in
            let carol = try await TestClient.make("carol", encryptors: ["sam"], hub: hub)
            let connie = try await TestClient.make("connie", encryptors: ["sofia"], hub: hub)
            let hubBlock = try #require(connie.blocks[.hub])
            let before = await hub.levels("connie").own
            let body = WireCoding.encode(ResumeRequest(clientName: "connie", blocks: [
                ResumePoint(blockUUID: hubBlock, offset: 1000), ResumePoint(blockUUID: UUID(), offset: 5),
            ]))
            // The answer verifies at connie: its MAC key lies beyond the point she named.
            let reply = try await connie.connection.send(.POST, path: "/dske/api/v1/resume", body: body, signed: true)
            #expect(reply.status == 200, "\(reply.text)")
            #expect(before - (await hub.levels("connie")).own == 1000 + 32)

            let keyID = UUID()
            #expect(try await carol.postShare(masterSAE: "sam", slaveSAE: "sofia", keyID: keyID, share: testShare()).status == 200)
            let (got, _, _) = try await connie.getShare(masterSAE: "sam", slaveSAE: "sofia", keyID: keyID)
            let pad = try got.decode(GetKeyShareResponse.self).encryptionKeyAllocation
            #expect(pad.fragments.first?.start == 1032)

            // Never backwards, and only for the authenticated client.
            let back = WireCoding.encode(ResumeRequest(clientName: "connie", blocks: [ResumePoint(blockUUID: hubBlock, offset: 10)]))
            #expect(try await connie.connection.send(.POST, path: "/dske/api/v1/resume", body: back, signed: true).status == 200)
            let unsigned = try await RawHTTP.send(.POST, hub.baseURL + "/dske/api/v1/resume",
                                                  headers: [("Content-Type", "application/json")], body: body)
            #expect(unsigned.status == 401)
        }
    }

    @Test func aClientCrashIsHealedByResumeWithTheFloorsItsStoreReports() async throws {
        try await HubFixture.with { hub in
            let carol = try await TestClient.make("carol", encryptors: ["sam"], hub: hub)
            let connie = try await TestClient.make("connie", encryptors: ["sofia"], hub: hub)
            let first = UUID()
            #expect(try await carol.postShare(masterSAE: "sam", slaveSAE: "sofia", keyID: first, share: testShare()).status == 200)
            #expect(try await connie.getShare(masterSAE: "sam", slaveSAE: "sofia", keyID: first).0.status == 200)

            // A copy of connie's store taken without a clean close is what a SIGKILL leaves.
            let crashed = hub.scratch.path + "/client-connie-crashed"
            try FileManager.default.copyItem(atPath: connie.store.directory, toPath: crashed)
            try FileManager.default.removeItem(atPath: crashed + "/lock")
            let store = try await NodeStore(directory: crashed, localRole: .client)
            let floors = await store.restartFloors(peer: "hank")
            #expect(floors.map(\.block) == [try #require(connie.blocks[.hub])])
            let connection = PeerConnection(baseURL: hub.baseURL, peer: "hank", store: store, authenticator: MessageAuthenticator(kind: .hmacSHA256))
            var restarted = TestClient(name: "connie", hub: hub, store: store, connection: connection)
            restarted.blocks = connie.blocks

            // With 4 KiB blocks and 64 KiB reserve chunks the crash used both of connie's blocks up:
            // fresh PSRD for both pools, as her refill would fetch.
            for owner in PoolOwner.allCases {
                let reply = try await RawHTTP.send(.GET, hub.baseURL + "/dske/oob/v1/psrd?client_name=connie&pool_owner=\(owner.rawValue)&size=4096")
                let block = try WireCoding.decode(PSRDBlockResponse.self, from: reply.body, limit: 1 << 20)
                try await store.addBlock(peer: "hank", owner: owner, uuid: block.blockUUID, bytes: block.data)
            }

            // Without resume the hub's answers come from below connie's window: refused.
            let lost = UUID()
            #expect(try await carol.postShare(masterSAE: "sam", slaveSAE: "sofia", keyID: lost, share: testShare()).status == 200)
            await #expect(throws: PeerConnectionError.self) {
                _ = try await restarted.getShare(masterSAE: "sam", slaveSAE: "sofia", keyID: lost)
            }

            let body = WireCoding.encode(ResumeRequest(clientName: "connie", blocks: floors.map { ResumePoint(blockUUID: $0.block, offset: $0.offset) }))
            let resumed = try await connection.send(.POST, path: "/dske/api/v1/resume", body: body, signed: true)
            #expect(resumed.status == 200)

            let next = UUID()
            #expect(try await carol.postShare(masterSAE: "sam", slaveSAE: "sofia", keyID: next, share: testShare()).status == 200)
            let (got, _, value) = try await restarted.getShare(masterSAE: "sam", slaveSAE: "sofia", keyID: next)
            #expect(got.status == 200)
            #expect(value == testShare())
            try? await store.close()
        }
    }
}
