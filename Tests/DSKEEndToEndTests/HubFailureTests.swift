import Foundation
import Testing

/// k = 3 of n = 5: keys flow with two hubs down and fail cleanly with three down.
@Suite("hub failures")
struct HubFailureTests {
    @Test("two hubs down: key pairs still work; three down: a clear 503 and nothing half-made")
    func hubsDown() async throws {
        try await TestNetwork.with { network in
            try await network.stop(node: "hank")
            try await network.stop(node: "holly")
            try await network.keyPair(master: "sam", slave: "sofia")
            try await network.keyPair(master: "serena", slave: "susan", number: 16)

            try await network.stop(node: "hugo")
            let reply = try await network.getKey(master: "sam", slave: "sofia")
            #expect(reply.status == 503, "\(reply)")
            #expect(reply.isJSONError, "\(reply)")

            // A key made while two hubs were up cannot be rebuilt from two shares either.
            try await network.start(node: "hugo")
            let made = try await network.getKey(master: "sam", slave: "sofia")
            try #require(made.status == 200, "\(made)")
            let id = try TestNetwork.keys(in: made)[0].id
            try await network.stop(node: "helen")
            let rebuilt = try await network.getKeyWithIDs(master: "sam", slave: "sofia", ids: [id])
            #expect(rebuilt.status == 503, "\(rebuilt)")
            #expect(rebuilt.isJSONError)

            // Everything back up: keys flow again.
            for hub in ["hank", "helen", "holly"] { try await network.start(node: hub) }
            try await network.keyPair(master: "sam", slave: "sofia")
        }
    }
}
