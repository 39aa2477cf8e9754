import DSKECore
import DSKEService
import Logging
import PSRDStore

/// Entry points of the hub role.
public enum HubNode {
    /// Largest single allocation or take: the pad of the largest key share (a 16,777,216-bit key
    /// gives 2 MiB shares).
    public static let maxPSRDRequest = 2 << 20

    /// The file, inside the node's store directory, that keeps the registrations.
    public static let registrationsFileName = "registrations.json"

    /// Opens (creating if needed) a hub's PSRD store.
    public static func openStore(directory: String) async throws(StoreError) -> NodeStore {
        try await NodeStore(directory: directory, localRole: .hub, maxRequest: maxPSRDRequest)
    }

    /// A hub ready to `run` or `start` over an open store. Registrations live in the store's
    /// directory unless `registrationsPath` says otherwise. `now` lets tests move time forward
    /// for share expiry and the failure limiter.
    public static func runtime(settings: HubSettings, store: NodeStore, registrationsPath: String? = nil,
                               logger: Logger? = nil,
                               now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now })
        throws(ServiceError) -> NodeRuntime {
        let logger = logger ?? Logger(label: "dske.hub.\(settings.name)")
        let path = registrationsPath ?? store.directory + "/" + registrationsFileName
        let service = try HubService(settings: settings, store: store, registrationsPath: path, logger: logger, now: now)
        return NodeRuntime(name: settings.name, role: .hub, store: store, service: service, logger: logger)
    }
}
