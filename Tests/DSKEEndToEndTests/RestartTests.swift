import Foundation
import Testing

/// A node killed with SIGKILL keeps its pools and registrations and goes on working.
@Suite("SIGKILL and restart")
struct RestartTests {
    @Test("SIGKILL a hub and a client mid-stream, restart them: keys flow, none repeats")
    func killAndRestart() async throws {
        try await TestNetwork.with { network in
            var seen = Set<String>()
            func pairs(_ count: Int) async throws {
                for _ in 0..<count {
                    for key in try await network.keyPair(master: "sam", slave: "sofia", number: 4) {
                        #expect(seen.insert(key.value).inserted, "a key repeated after a restart")
                    }
                }
            }
            try await pairs(5)

            // A hub: killed while idle, then restarted from its data directory.
            let hubPID = try #require(network.pid("hilary"))
            try await network.kill9("hilary")
            #expect(!TestNetwork.isAlive(hubPID))
            try await pairs(2)                       // 4 of 5 hubs are enough meanwhile
            try await network.start(node: "hilary")
            try await pairs(3)

            // Both clients of the pair, one after the other.
            for client in ["connie", "carol"] {
                try await network.kill9(client)
                try await network.start(node: client)
                try await pairs(3)
            }

            // A key made before the slave's KME is killed is still delivered after its restart.
            let made = try await network.getKey(master: "sam", slave: "sofia")
            try #require(made.status == 200, "\(made)")
            let key = try TestNetwork.keys(in: made)[0]
            try await network.kill9("connie")
            try await network.start(node: "connie")
            let fetched = try await network.getKeyWithIDs(master: "sam", slave: "sofia", ids: [key.id])
            try #require(fetched.status == 200, "\(fetched)")
            #expect(try TestNetwork.keys(in: fetched) == [key])

            // Every hub killed and restarted at once. Hubs keep shares in memory only (a seized
            // hub reveals no past key), so a key in flight is lost, cleanly: an error, never a
            // wrong key. Their pools and registrations survive, so new keys flow.
            let pending = try TestNetwork.keys(in: try await network.getKey(master: "serena", slave: "sunny"))[0]
            for hub in network.spec.hubs { try await network.kill9(hub) }
            for hub in network.spec.hubs { try await network.start(node: hub) }
            let late = try await network.getKeyWithIDs(master: "serena", slave: "sunny", ids: [pending.id])
            #expect([400, 404, 503].contains(late.status), "\(late)")
            #expect(late.isJSONError)
            #expect(!late.text.contains(pending.value))
            try await pairs(3)
        }
    }
}
