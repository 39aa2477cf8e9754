import Foundation

/// The management endpoints every node serves: `GET .../mgmt/v1/status` and
/// `POST .../mgmt/v1/stop`, under the node's base URL as in the reference.
struct ManagementAPI: Sendable {
    let http: HTTPCaller

    /// The node's status JSON, or nil when nothing answers at its address.
    func status(of node: Topology.Node, timeout: Duration = .seconds(2)) async -> HTTPReply? {
        try? await http.send(.GET, "\(node.baseURL)/mgmt/v1/status", timeout: timeout, target: node.label)
    }

    /// Asks the node to stop gracefully; false when it could not be reached or refused.
    func stop(_ node: Topology.Node, timeout: Duration = .seconds(2)) async -> Bool {
        let reply = try? await http.send(.POST, "\(node.baseURL)/mgmt/v1/stop", timeout: timeout, target: node.label)
        return reply.map { (200..<300).contains($0.status) } ?? false
    }
}
