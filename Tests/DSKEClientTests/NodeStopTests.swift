@testable import DSKEClient
import NIOHTTP1
import Testing

/// A normal stop is not an error: stopping hubs and clients (one with its SKIP listener, which
/// stops with the node's background work) must log no error line. Cancelling their Hummingbird
/// servers instead logged "Waiting on child channel: CancellationError()" and "Server shutdown
/// error: Already closed" at error level on every stop.
@Suite struct NodeStopTests {
    @Test func stoppingNodesLogsNoError() async throws {
        let network = try await TestNetwork.with(adjust: { $0.skip = SKIPEndpoint(host: "127.0.0.1", port: 0) }) { network in
            // A connection on each kind of listener, so that their stop has something to close.
            let skip = try await network.skip("carol", "/capabilities", caller: "sam")
            #expect(skip.status == 200, "\(skip)")
            let status = try await network.etsi(.GET, "carol", "sofia/status", caller: "sam")
            #expect(status.status == 200, "\(status)")
            await network.stopHub("hank")
            return network
        }
        let lines = network.logs.all
        #expect(lines.contains { $0.contains("carol stopped") })
        #expect(lines.contains { $0.contains("hank stopped") })
        #expect(lines.filter { $0.hasPrefix("error") || $0.hasPrefix("critical") } == [])
    }
}
