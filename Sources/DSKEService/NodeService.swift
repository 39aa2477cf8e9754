import DSKECore
import Hummingbird

/// What a node role (hub or client) plugs into `NodeRuntime`: its routes, its part of the
/// management status, and background work.
public protocol NodeService: Sendable {
    /// Every route of the role, with absolute paths (`/hub/NAME/...`, `/client/NAME/...`).
    func routes() -> [Route]
    /// Members added to the management status after `name`, `role` and `pools`, e.g.
    /// `registrations`, `pending_shares`, `counters`, `ready`.
    func status() async -> JSONObject
    /// Runs until cancelled (periodic sweeps, refills). Called once when the node starts.
    func runBackground() async
    /// The peers this node should hold PSRD with (a client's hubs, a hub's registered clients):
    /// a low-pool warning names a pair whose pools are missing, not only those running out.
    func pairedPeers() async -> [String]
}

extension NodeService {
    public func pairedPeers() async -> [String] { [] }
}
