import DSKECore
import DSKEHub
import DSKEService
import Foundation
import PSRDStore
import Testing

/// The multi extension: several batch messages of one client in one signed message, each inner
/// message with the outcome it would have got alone.
@Suite struct MultiMessageTests {
    /// A batch message for `keys` (share values seeded by position), pads from the client's pool.
    func inner(_ client: TestClient, keys: [UUID], masterSAE: String = "sam", slaveSAE: String = "sofia",
               masterClient: String? = nil, packed: Bool = false) async throws -> PostKeySharesRequest {
        var shares: [BatchKeyShare] = []
        for key in keys {
            let (allocation, pad) = try await client.store.allocate(peer: client.hub.name, size: 32)
            shares.append(BatchKeyShare(userKeyID: key, shareIndex: 1, encryptionKeyAllocation: allocation,
                                        encryptedShareValue: OneTimePad.apply(pad: pad, to: Self.value(of: key))))
        }
        return PostKeySharesRequest(masterClientName: masterClient ?? client.name, masterSAEID: masterSAE, slaveSAEID: slaveSAE,
                                    shares: shares, packed: packed)
    }

    /// Each key's share value: derived from the key ID, so any mix-up between keys shows.
    static func value(of key: UUID) -> [UInt8] {
        withUnsafeBytes(of: key.uuid) { Array($0) } + withUnsafeBytes(of: key.uuid) { Array($0) }
    }

    func postMulti(_ client: TestClient, _ messages: [PostKeySharesRequest]) async throws -> PeerResponse {
        let body = WireCoding.encode(PostKeySharesMultiRequest(masterClientName: client.name, messages: messages))
        return try await client.connection.send(.POST, path: "/dske/api/v1/key-shares/multi", body: body, signed: true)
    }

    func fetchMulti(_ client: TestClient, _ requests: [(master: String, slave: String, keys: [UUID])],
                    packed: [Bool]? = nil) async throws -> PeerResponse {
        let body = WireCoding.encode(FetchKeySharesMultiRequest(clientName: client.name, requests: requests.enumerated().map {
            FetchKeySharesRequest(clientName: client.name, masterSAEID: $1.master, slaveSAEID: $1.slave, keyIDs: $1.keys,
                                  packed: packed?[$0] ?? false)
        }))
        return try await client.connection.send(.POST, path: "/dske/api/v1/key-shares/fetch-multi", body: body, signed: true)
    }

    @Test func hubsAdvertiseTheExtension() async throws {
        try await HubFixture.with { hub in
            let reply = try await RawHTTP.send(.GET, hub.baseURL + "/dske/api/v1/capabilities")
            #expect(try WireCoding.decode(CapabilitiesResponse.self, from: reply.body).multi)
        }
    }

    @Test func eachInnerMessageKeepsItsOwnOutcome() async throws {
        try await HubFixture.with { hub in
            let carol = try await TestClient.make("carol", encryptors: ["sam", "stan"], hub: hub)
            let connie = try await TestClient.make("connie", encryptors: ["sofia", "sue"], hub: hub)
            let first = [UUID(), UUID()], refused = [UUID()], second = [UUID()]
            let carolBefore = await carol.levels()
            let posted = try await postMulti(carol, [
                try await inner(carol, keys: first),
                try await inner(carol, keys: refused, slaveSAE: "nobody"),
                try await inner(carol, keys: second, masterSAE: "stan", slaveSAE: "sue"),
            ])
            #expect(posted.status == 200, "\(posted)")
            let outcomes = try posted.decode(KeySharesMultiResponse.self).outcomes
            #expect(outcomes.map(\.status) == [200, 400, 200])
            #expect(outcomes[1].error?.message == "Slave SAE is not registered with this hub.")
            #expect(outcomes[0].error == nil && outcomes[0].shares == nil)
            // Every pad was used, the refused message's too, and one MAC key for the whole message.
            #expect(carolBefore.own - (await carol.levels()).own == 4 * 32 + 32)
            #expect(await hub.levels("carol").peer == (await carol.levels()).own)

            // Fetched together, in another grouping: the refused key is not held, and a request
            // naming the wrong pair is refused without taking the other requests down.
            let connieBefore = await connie.levels()
            let fetched = try await fetchMulti(connie, [("sam", "sofia", [first[1], refused[0], first[0]]),
                                                        ("sam", "sofia", second),
                                                        ("stan", "sue", second)])
            #expect(fetched.status == 200, "\(fetched)")
            let answers = try fetched.decode(KeySharesMultiResponse.self).outcomes
            #expect(answers.map(\.status) == [200, 401, 200])
            #expect(answers[0].shares?.map(\.userKeyID) == [first[1], first[0]])
            #expect(answers[2].shares?.map(\.userKeyID) == second)
            for share in (answers[0].shares ?? []) + (answers[2].shares ?? []) {
                let pad = try await connie.store.take(peer: "hank", allocation: share.encryptionKeyAllocation)
                #expect(OneTimePad.apply(pad: pad, to: share.encryptedShareValue) == Self.value(of: share.userKeyID))
                #expect(share.shareIndex == 1)
            }
            #expect(connieBefore.peer - (await connie.levels()).peer == 3 * 32 + 32)
            #expect(await hub.levels("connie").own == (await connie.levels()).peer)

            // Delivered means gone.
            let again = try await fetchMulti(connie, [("sam", "sofia", first), ("stan", "sue", second)])
            #expect(try again.decode(KeySharesMultiResponse.self).outcomes.map { $0.shares?.count } == [0, 0])
        }
    }

    /// The packed form (`PackedShares`): posted alone or inside a multi message, fetched packed
    /// by the requests that ask for it and as a list by the others, with pools in step.
    @Test func packedSharesGoInAndComeOutInTheFormAskedFor() async throws {
        try await HubFixture.with { hub in
            let reply = try await RawHTTP.send(.GET, hub.baseURL + "/dske/api/v1/capabilities")
            #expect(try WireCoding.decode(CapabilitiesResponse.self, from: reply.body).packed)
            let carol = try await TestClient.make("carol", encryptors: ["sam"], hub: hub)
            let connie = try await TestClient.make("connie", encryptors: ["sofia"], hub: hub)
            let alone = (0..<5).map { _ in UUID() }, together = (0..<3).map { _ in UUID() }
            let message = try await inner(carol, keys: alone, packed: true)
            #expect(message.packed != nil)
            let posted = try await carol.connection.send(.POST, path: "/dske/api/v1/key-shares", body: WireCoding.encode(message), signed: true)
            #expect(posted.status == 200, "\(posted)")
            #expect(try await postMulti(carol, [try await inner(carol, keys: together, packed: true)]).status == 200)
            #expect(await hub.levels("carol").peer == (await carol.levels()).own)

            let body = WireCoding.encode(FetchKeySharesRequest(clientName: "connie", masterSAEID: "sam", slaveSAEID: "sofia",
                                                               keyIDs: Array(alone.reversed()), packed: true))
            let fetched = try await connie.connection.send(.POST, path: "/dske/api/v1/key-shares/fetch", body: body, signed: true)
            #expect(fetched.status == 200, "\(fetched)")
            #expect(String(decoding: fetched.body, as: UTF8.self).hasPrefix(#"{"packed_shares":"#))
            let answer = try fetched.decode(FetchKeySharesResponse.self)
            #expect(answer.packed != nil)
            #expect(answer.shares.map(\.userKeyID) == alone.reversed())
            let multi = try await fetchMulti(connie, [("sam", "sofia", [together[0], together[1]]), ("sam", "sofia", [together[2]])],
                                             packed: [true, false])
            let outcomes = try multi.decode(KeySharesMultiResponse.self).outcomes
            #expect(outcomes.map { $0.packed != nil } == [true, false])
            #expect(String(decoding: multi.body, as: UTF8.self).contains(#"{"status":200,"shares":["#))
            for share in answer.shares + outcomes.flatMap({ $0.shares ?? [] }) {
                let pad = try await connie.store.take(peer: "hank", allocation: share.encryptionKeyAllocation)
                #expect(OneTimePad.apply(pad: pad, to: share.encryptedShareValue) == Self.value(of: share.userKeyID))
            }
            #expect(await hub.levels("connie").own == (await connie.levels()).peer)
        }
    }

    /// A signed packed body that does not hold together is refused, and its allocation is still
    /// taken, so the hub's copy of the pool stays in step with the client's.
    @Test func aMalformedPackedBodyIsRefusedAndItsPadsAreStillUsed() async throws {
        try await HubFixture.with { hub in
            let carol = try await TestClient.make("carol", encryptors: ["sam"], hub: hub)
            _ = try await TestClient.make("connie", encryptors: ["sofia"], hub: hub)
            let message = try await inner(carol, keys: [UUID(), UUID()], packed: true)
            let packed = try #require(message.packed)
            let text = String(decoding: WireCoding.encode(message), as: UTF8.self)
                .replacingOccurrences(of: StrictBase64.encode(packed.values), with: StrictBase64.encode(packed.values.dropLast(2)))
            let refused = try await carol.connection.send(.POST, path: "/dske/api/v1/key-shares", body: Array(text.utf8), signed: true)
            #expect(refused.status == 400, "\(refused)")
            #expect(await hub.levels("carol").peer == (await carol.levels()).own)
        }
    }

    @Test func aShareAlreadyHeldFailsOnlyItsOwnMessage() async throws {
        try await HubFixture.with { hub in
            let carol = try await TestClient.make("carol", encryptors: ["sam"], hub: hub)
            _ = try await TestClient.make("connie", encryptors: ["sofia"], hub: hub)
            let held = UUID(), fresh = UUID()
            #expect(try await postMulti(carol, [try await inner(carol, keys: [held])]).status == 200)
            let posted = try await postMulti(carol, [try await inner(carol, keys: [held]), try await inner(carol, keys: [fresh])])
            let outcomes = try posted.decode(KeySharesMultiResponse.self).outcomes
            #expect(outcomes.map(\.status) == [409, 200])
            #expect(await hub.levels("carol").peer == (await carol.levels()).own)
        }
    }

    @Test func aMalformedMultiMessageIsRefusedWholeAndItsPadsAreStillUsed() async throws {
        try await HubFixture.with { hub in
            let carol = try await TestClient.make("carol", encryptors: ["sam"], hub: hub)
            _ = try await TestClient.make("connie", encryptors: ["sofia"], hub: hub)
            // The second inner message claims to come from another client.
            let posted = try await postMulti(carol, [try await inner(carol, keys: [UUID()]),
                                                     try await inner(carol, keys: [UUID(), UUID()], masterClient: "connie")])
            #expect(posted.status == 400, "\(posted)")
            #expect(posted.error?.message.contains("another client") == true)
            #expect(await hub.levels("carol").peer == (await carol.levels()).own)

            let empty = WireCoding.encode(JSONValue.object(["master_client_name": .string("carol"), "messages": .array([])]))
            let refused = try await carol.connection.send(.POST, path: "/dske/api/v1/key-shares/multi", body: empty, signed: true)
            #expect(refused.status == 400)
        }
    }
}
