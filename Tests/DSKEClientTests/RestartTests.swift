import DSKECore
import Foundation
import Testing

/// A node killed with -9 and restarted keeps its pools; the pair goes on working although the
/// restarted node counts the PSRD it may have used before the crash as used.
@Suite(.serialized) struct RestartTests {
    private static func pair(_ network: TestNetwork, number: Int = 1) async throws -> Bool {
        let made = try await network.etsi(.GET, "carol", "sofia/enc_keys?number=\(number)", caller: "sam")
        guard made.status == 200 else { return false }
        let keys = try made.keys().keys
        let ids = keys.map { #"{"key_ID":"\#($0.keyID.lowercased)"}"# }.joined(separator: ",")
        let fetched = try await network.etsi(.POST, "connie", "sam/dec_keys", caller: "sofia", body: #"{"key_IDs":[\#(ids)]}"#)
        return fetched.status == 200 && (try? fetched.keys().keys) == keys
    }

    @Test func aCrashedHubIsUsedAgainAfterItsRestart() async throws {
        try await TestNetwork.with { network in
            #expect(try await Self.pair(network))
            try await network.crashAndRestartHub("hilary")
            #expect(try await Self.pair(network))
            // A hub that failed is skipped until the next liveness probe finds it up again: wait
            // for that, so the count below does not depend on how busy the machine is.
            try await network.waitUntilReachable("carol", hub: "hilary")
            // The client skipped to where the hub resumed, so hilary relays shares again.
            let before = TestNetwork.int(try await network.hubEntry("carol", "hilary"), "shares_posted")
            #expect(try await Self.pair(network, number: 2))
            let after = TestNetwork.int(try await network.hubEntry("carol", "hilary"), "shares_posted")
            #expect(after == before + 2)
            #expect(network.logs.contains("hub hilary restarted: skipped"))
        }
    }

    @Test func aCrashedClientWorksAgainAfterItsRestart() async throws {
        try await TestNetwork.with { network in
            #expect(try await Self.pair(network))
            try await network.crashAndRestartClient(network.clientSettings("connie"))
            try await network.waitUntilReady("connie", hubs: 5)
            for round in 0..<3 {
                #expect(try await Self.pair(network), "round \(round)")
            }
            // connie told every hub where its replay windows begin, and every hub's answers were
            // accepted again: each of the three keys got its share from all five hubs.
            for hub in TestNetwork.hubNames {
                #expect(network.logs.contains("told hub \(hub) where this client resumed"), "\(hub)")
                #expect(TestNetwork.int(try await network.hubEntry("connie", hub), "shares_fetched") == 3, "\(hub)")
            }
        }
    }
}
