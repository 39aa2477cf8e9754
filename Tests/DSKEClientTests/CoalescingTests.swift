import DSKECore
import Foundation
import Testing

/// Key requests that arrive while a client's messages to a hub are in flight travel together in
/// one multi message, for several encryptor pairs at once, and every key still reaches only its
/// own slave, whole.
@Suite(.serialized) struct CoalescingTests {
    static let clients = [TestNetwork.ClientSpec(name: "carol", encryptors: ["sam", "stan"]),
                          TestNetwork.ClientSpec(name: "connie", encryptors: ["sofia", "sue"])]
    /// (master, slave) of each key request: two pairs, and two requests of the same pair.
    static let pairs = [("sam", "sofia"), ("stan", "sue"), ("sam", "sue"), ("stan", "sofia"), ("sam", "sofia")]

    /// Polls `condition` every 5 ms for up to `seconds`: 2 s by default, since a held message
    /// times out 3 s after it was sent. Waiting for the first message to be held can take longer
    /// (a loaded machine, a refill before it): its clock only starts once it is sent.
    func waitUntil(_ what: String, seconds: Int = 2, _ condition: () async throws -> Bool) async throws {
        for _ in 0..<(seconds * 200) {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(5))
        }
        Issue.record("timed out waiting until \(what)")
        throw CancellationError()
    }

    func waiting(_ network: TestNetwork, _ client: String) async throws -> Int {
        TestNetwork.int(try await network.hubEntry(client, "hank"), "share_messages_waiting")
    }

    /// Runs the first call, waits until hank holds its message (a client has one message to a hub
    /// in flight at a time), runs the other four, waits until they queue at `client`, opens the
    /// gate; the replies in call order.
    func inTwoWaves(_ network: TestNetwork, gate: ProxyGate, client: String,
                    _ call: @escaping @Sendable (Int) async throws -> Reply) async throws -> [Reply] {
        try await withThrowingTaskGroup(of: (Int, Reply).self) { group in
            group.addTask { (0, try await call(0)) }
            try await waitUntil("hank holds the first message", seconds: 10) { await gate.held == 1 }
            for index in 1..<Self.pairs.count { group.addTask { (index, try await call(index)) } }
            try await waitUntil("four requests wait at \(client)") { try await waiting(network, client) == 4 }
            await gate.open()
            var replies = [Reply?](repeating: nil, count: Self.pairs.count)
            for try await (index, reply) in group { replies[index] = reply }
            return replies.map { $0! }
        }
    }

    @Test func postsThatArriveWhileOneIsInFlightShareOneMessage() async throws {
        let gate = ProxyGate(holding: 1, of: ["/dske/api/v1/key-shares"])
        try await TestNetwork.with(clients: Self.clients, gate: ("hank", gate)) { network in
            let made = try await inTwoWaves(network, gate: gate, client: "carol") { index in
                try await network.etsi(.GET, "carol", "\(Self.pairs[index].1)/enc_keys", caller: Self.pairs[index].0)
            }
            #expect(made.map(\.status) == Array(repeating: 200, count: Self.pairs.count), "\(made)")
            let hank = try await network.hubEntry("carol", "hank")
            #expect(TestNetwork.int(hank, "multi_messages") == 1)
            #expect(TestNetwork.int(hank, "coalesced_requests") == 4)
            #expect(TestNetwork.int(hank, "share_messages_waiting") == 0)
            #expect(TestNetwork.int(hank, "failures") == 0)
            #expect(await gate.paths.filter { $0.hasSuffix("/key-shares/multi") }.count == 1)

            for (index, reply) in made.enumerated() {
                let key = try #require(try reply.keys().keys.first)
                let (master, slave) = Self.pairs[index]
                let fetched = try await network.etsi(.GET, "connie", "\(master)/dec_keys?key_ID=\(key.keyID.lowercased)", caller: slave)
                #expect(fetched.status == 200, "\(fetched)")
                #expect(try fetched.keys().keys == [key])
            }
        }
    }

    @Test func requestsQueuedBehindAMessageThatFindsTheHubDownAreNotSentThere() async throws {
        // hank's first message is held and never answered: carol gives up at its deadline (3 s)
        // and marks hank down; the four requests queued behind it must not wait for another.
        let gate = ProxyGate(holding: 1, of: ["/dske/api/v1/key-shares"])
        try await TestNetwork.with(clients: Self.clients, gate: ("hank", gate)) { network in
            let made = try await withThrowingTaskGroup(of: Reply.self) { group in
                let (master, slave) = Self.pairs[0]
                group.addTask { try await network.etsi(.GET, "carol", "\(slave)/enc_keys", caller: master) }
                try await waitUntil("hank holds the first message", seconds: 10) { await gate.held == 1 }
                for (master, slave) in Self.pairs.dropFirst() {
                    group.addTask { try await network.etsi(.GET, "carol", "\(slave)/enc_keys", caller: master) }
                }
                try await waitUntil("four requests wait at carol") { try await waiting(network, "carol") == 4 }
                return try await group.reduce(into: [Reply]()) { $0.append($1) }
            }
            await gate.open()
            // Four hubs are enough for every key; hank saw one share message, and no multi message.
            #expect(made.map(\.status) == Array(repeating: 200, count: Self.pairs.count), "\(made)")
            #expect(await gate.paths.filter { $0.contains("/dske/api/v1/key-shares") }.count == 1)
            #expect(TestNetwork.int(try await network.hubEntry("carol", "hank"), "multi_messages") == 0)
        }
    }

    @Test func fetchesThatArriveWhileOneIsInFlightShareOneMessage() async throws {
        let gate = ProxyGate(holding: 1, of: ["/dske/api/v1/key-shares/fetch"])
        try await TestNetwork.with(clients: Self.clients, gate: ("hank", gate)) { network in
            let hank = try await fetchInTwoWaves(network, gate: gate)
            #expect(TestNetwork.int(hank, "failures") == 0)
            #expect(TestNetwork.int(hank, "inconsistent_shares") == 0)
        }
    }

    @Test func aTamperingHubIsStillNamedWhenItsSharesTravelInAMultiMessage() async throws {
        let gate = ProxyGate(holding: 1, of: ["/dske/api/v1/key-shares/fetch"])
        try await TestNetwork.with(clients: Self.clients, tampering: "hank", gate: ("hank", gate)) { network in
            let hank = try await fetchInTwoWaves(network, gate: gate)
            #expect(TestNetwork.int(hank, "inconsistent_shares") == Self.pairs.count)
        }
    }

    /// Makes a key per pair, fetches them in two waves, checks each slave got its key, whole, and
    /// that the second wave travelled in one multi message; connie's entry for hank.
    func fetchInTwoWaves(_ network: TestNetwork, gate: ProxyGate) async throws -> JSONObject {
        var made: [ETSIKey] = []
        for (master, slave) in Self.pairs {
            let reply = try await network.etsi(.GET, "carol", "\(slave)/enc_keys", caller: master)
            made.append(try #require(try reply.keys().keys.first))
        }
        let keys = made
        let fetched = try await inTwoWaves(network, gate: gate, client: "connie") { index in
            let (master, slave) = Self.pairs[index]
            return try await network.etsi(.GET, "connie", "\(master)/dec_keys?key_ID=\(keys[index].keyID.lowercased)", caller: slave)
        }
        for (index, reply) in fetched.enumerated() {
            #expect(reply.status == 200, "\(reply)")
            #expect(try reply.keys().keys == [keys[index]])
        }
        let hank = try await network.hubEntry("connie", "hank")
        #expect(TestNetwork.int(hank, "multi_messages") == 1)
        #expect(TestNetwork.int(hank, "coalesced_requests") == 4)
        #expect(TestNetwork.int(hank, "shares_fetched") == Self.pairs.count)
        #expect(await gate.paths.filter { $0.hasSuffix("/key-shares/fetch-multi") }.count == 1)
        return hank
    }
}
