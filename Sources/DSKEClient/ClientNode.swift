import DSKEConfig
import DSKECore
import DSKEService
import Foundation
import Logging
import PSRDStore

/// Entry points of the client (KME) role.
public enum ClientNode {
    /// Largest single allocation or take: the pad of one batch message or of the largest key's
    /// share (a 16,777,216-bit key gives 2 MiB shares).
    public static let maxPSRDRequest = 2 << 20

    /// Runs client `name` of the configuration until SIGTERM, SIGINT or `POST mgmt/v1/stop`.
    public static func run(config: DSKEConfiguration, name: String) async throws {
        NodeLogging.bootstrapOnce()
        let settings = try ClientSettings(configuration: config, name: name)
        guard let node = config.client(named: name) else { throw ClientSetupError.unknownClient(name) }
        // The store creates its own directory, not the data directory above it.
        let parent = (node.dataDirectory as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        let store = try await openStore(directory: node.dataDirectory)
        let runtime = try runtime(settings: settings, store: store, secure: try secureListener(config: config, node: node))
        try await runtime.run(host: config.host, port: node.port)
    }

    /// Opens (creating if needed) a client's PSRD store.
    public static func openStore(directory: String) async throws(StoreError) -> NodeStore {
        try await NodeStore(directory: directory, localRole: .client, maxRequest: maxPSRDRequest)
    }

    /// A client ready to `run`, or to `start` in this process on an ephemeral port (tests,
    /// benchmarks): `try await ClientNode.runtime(settings: s, store: st).start()`.
    public static func runtime(settings: ClientSettings, store: NodeStore, logger: Logger? = nil,
                               secure: SecureListener? = nil) throws(ClientSetupError) -> NodeRuntime {
        try settings.validate()
        let logger = logger ?? Logger(label: "dske.client.\(settings.name)")
        let service = ClientService(settings: settings, store: store, logger: logger)
        // Pools refilled over HTTP never need a warning; bundles need a person to bring the next one.
        let watch = settings.outOfBandHTTP ? nil : LowPoolWatch(node: settings.name, role: .client, percent: settings.lowPoolWarningPercent)
        var runtime = NodeRuntime(name: settings.name, role: .client, store: store, service: service, logger: logger, lowPoolWatch: watch)
        runtime.secureListener = secure
        return runtime
    }

    /// The mutual-TLS listener of a client whose configuration has a `tls` section (docs/tls.md);
    /// nil for a plain-HTTP client (simulation mode).
    public static func secureListener(config: DSKEConfiguration, node: NodeConfiguration) throws(TLSSetupError) -> SecureListener? {
        guard let tls = node.tls else { return nil }
        return try SecureListener(host: config.host, settings: tls, identities: config.encryptorIdentities)
    }
}
