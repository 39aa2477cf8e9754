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
}
