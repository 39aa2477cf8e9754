import DSKEConfig
import DSKECore
import DSKEService
import Foundation
import Logging
import PSRDStore

/// Entry points of the hub role.
public enum HubNode {
    /// Largest single allocation or take: the pad of the largest key share (a 16,777,216-bit key
    /// gives 2 MiB shares).
    public static let maxPSRDRequest = 2 << 20

    /// The file, inside the node's store directory, that keeps the registrations.
    public static let registrationsFileName = "registrations.json"

    /// Runs hub `name` of `config` in the foreground: its store in `<data_directory>/<name>`, its
    /// port from the port plan. Returns after SIGTERM, SIGINT or `POST mgmt/v1/stop`, once the
    /// store is closed.
    public static func run(config: DSKEConfiguration, name: String) async throws {
        NodeLogging.bootstrapOnce()
        let settings = try settings(config: config, name: name)
        guard let node = config.hub(named: name) else { throw HubNodeError.unknownHub(name) }
        let parent = (node.dataDirectory as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        } catch {
            throw HubNodeError.dataDirectory(path: parent, reason: error.localizedDescription)
        }
        let store = try await openStore(directory: node.dataDirectory)
        let runtime = try runtime(settings: settings, store: store)
        try await runtime.run(host: config.host, port: node.port)
    }

    /// The settings of hub `name` from the configuration file's values.
    public static func settings(config: DSKEConfiguration, name: String) throws(HubNodeError) -> HubSettings {
        guard config.hub(named: name) != nil else { throw .unknownHub(name) }
        let authenticator: AuthenticatorKind = switch config.authenticator {
        case .hmacSHA256: .hmacSHA256
        case .poly1305: .poly1305
        }
        return HubSettings(name: name, authenticator: authenticator, outOfBandHTTP: config.outOfBand == .http,
                           shareExpiry: .seconds(config.shareExpirySeconds), maxPSRDBlockSize: config.maxPSRDBlockSize,
                           maxPoolBytes: max(64 << 20, 4 * config.maxPSRDBlockSize),
                           lowPoolWarningPercent: config.lowPoolWarningPercent)
    }

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
        // Pools refilled over HTTP never need a warning; bundles need a person to bring the next one.
        let watch = settings.outOfBandHTTP ? nil : LowPoolWatch(node: settings.name, role: .hub, percent: settings.lowPoolWarningPercent)
        return NodeRuntime(name: settings.name, role: .hub, store: store, service: service, logger: logger, lowPoolWatch: watch)
    }
}
