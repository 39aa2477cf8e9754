import Foundation
import Testing

/// One dishonest hub among five: keys are rebuilt from the honest shares, the hub is named, and a
/// wrong key is never delivered.
@Suite("a tampering hub")
struct TamperingHubTests {
    @Test("keys flow past a hub that alters every share; it is named; with too few honest shares: 503")
    func tamperingHubSurvived() async throws {
        try await TestNetwork.with { network in
            // hilary turns dishonest: its process stops, the same hub (same store, same pools)
            // comes back in this process behind a front that alters every share it hands out.
            try await network.stop(node: "hilary")
            // Seen down first: a client's view of hilary as up then comes from the dishonest
            // hub, not from before the stop (a probe that failed during the swap would otherwise
            // take hilary out of the key requests below until the next probe).
            try await network.waitUntilClientsSee(down: "hilary")
            let dishonest = try await TamperingHub.start("hilary", of: network)
            do {
                try await network.waitUntilClientsSee("hilary")
                var seen = Set<String>()
                for (master, slave) in [("sam", "sofia"), ("sofia", "sam"), ("serena", "sunny")] {
                    for key in try await network.keyPair(master: master, slave: slave, number: 3) {
                        #expect(seen.insert(key.value).inserted)
                    }
                    try await network.keyPair(master: master, slave: slave)
                }

                // The responder names hilary, in its status and its log.
                let status = try #require(try await HTTP.get("\(network.baseURL("connie"))/mgmt/v1/status").object)
                #expect((status["suspect_hubs"] as? [String])?.contains("hilary") == true, "\(status)")
                #expect(network.log("connie").contains("hilary"))
                #expect(!network.log("connie").contains("holly is"), "only the dishonest hub is blamed")

                // Four shares, one altered: still enough to find three that agree.
                try await network.stop(node: "hank")
                try await network.waitUntilClientsSee(down: "hank")
                try await network.keyPair(master: "sam", slave: "sofia")

                // Three shares, one altered: no consistent three. 503, and never a wrong key.
                let made = try await network.getKey(master: "sam", slave: "sofia")
                try #require(made.status == 200, "\(made)")
                let key = try TestNetwork.keys(in: made)[0]
                try await network.stop(node: "helen")
                try await network.waitUntilClientsSee(down: "helen")
                let rebuilt = try await network.getKeyWithIDs(master: "sam", slave: "sofia", ids: [key.id])
                #expect(rebuilt.status == 503, "\(rebuilt)")
                #expect(rebuilt.isJSONError)
                #expect(!rebuilt.text.contains("\"key\""), "no key in the answer")
            } catch {
                await dishonest.stop()
                throw error
            }
            await dishonest.stop()
        }
    }
}
