import Foundation

/// The topology and settings of a DSKE network, read from `dske-config.yaml`.
///
/// The reference's keys (`base_port`, the PSRD thresholds, `min_nr_shares`, `hubs`, `clients`)
/// mean what they mean there; the rest are this project's. Hubs and clients are sorted by name,
/// and ports are assigned hubs first, then clients, from `base_port`: the reference's port plan,
/// so a mixed deployment agrees on who listens where.
public struct DSKEConfiguration: Sendable {
    public static let defaultFileName = "dske-config.yaml"

    /// Defaults of every optional key (the reference's where it has one).
    public enum Defaults {
        public static let basePort = 8100
        public static let startRequestPSRDThreshold = 500
        public static let stopRequestPSRDThreshold = 2000
        public static let getPSRDBlockSize = 2000
        public static let minNrShares = 3
        public static let outOfBand = OutOfBandMode.http
        public static let dataDirectory = "data"
        public static let runDirectory = "run"
        public static let host = "127.0.0.1"
        public static let defaultKeySize = 256
        public static let authenticator = AuthenticatorSetting.hmacSHA256
        public static let shareExpirySeconds = 300
        public static let maxPSRDBlockSize = 16_777_216
        public static let maxKeysPerRequest = 128
        public static let lowPoolWarningPercent = 20
    }

    /// Limits the validation enforces.
    public enum Limits {
        /// Shamir share indices are 0..<16 (as in the reference).
        public static let maxHubs = 16
        /// ETSI key sizes in bits, as the reference allows.
        public static let keySizeRange = 32...16_777_216
        /// A configuration file larger than this is certainly not one.
        public static let maxFileSize = 1 << 20
        public static let maxNameLength = 64
    }

    public let basePort: Int
    /// A client asks a hub for PSRD when a pool holds fewer unused bytes than this...
    public let startRequestPSRDThreshold: Int
    /// ...and keeps asking until it holds at least this many.
    public let stopRequestPSRDThreshold: Int
    /// Bytes per PSRD block request.
    public let getPSRDBlockSize: Int
    /// k: shares needed to rebuild a key (n is the number of hubs).
    public let minNrShares: Int
    public let outOfBand: OutOfBandMode
    /// Absolute; each node keeps its state in `dataDirectory/<name>`.
    public let dataDirectory: String
    /// Absolute; pid and log files of the nodes the manager starts.
    public let runDirectory: String
    /// The address nodes listen on and reach each other at.
    public let host: String
    /// ETSI key size in bits when a request names none.
    public let defaultKeySize: Int
    public let authenticator: AuthenticatorSetting
    /// A share not fetched within this many seconds is deleted by its hub.
    public let shareExpirySeconds: Int
    /// The most PSRD one block request may ask for.
    public let maxPSRDBlockSize: Int
    /// ETSI `max_key_per_request`.
    public let maxKeysPerRequest: Int
    /// In courier mode a node warns (status and log) when a pool holds less than this percentage
    /// of the PSRD it holds in all, naming the pair that needs a new bundle; 0 turns it off.
    public let lowPoolWarningPercent: Int
    /// Sorted by name.
    public let hubs: [NodeConfiguration]
    /// Sorted by name.
    public let clients: [NodeConfiguration]

    public init(basePort: Int, startRequestPSRDThreshold: Int, stopRequestPSRDThreshold: Int, getPSRDBlockSize: Int,
                minNrShares: Int, outOfBand: OutOfBandMode, dataDirectory: String, runDirectory: String, host: String,
                defaultKeySize: Int, authenticator: AuthenticatorSetting, shareExpirySeconds: Int, maxPSRDBlockSize: Int,
                maxKeysPerRequest: Int, hubs: [NodeConfiguration], clients: [NodeConfiguration],
                lowPoolWarningPercent: Int = Defaults.lowPoolWarningPercent) {
        self.basePort = basePort
        self.startRequestPSRDThreshold = startRequestPSRDThreshold
        self.stopRequestPSRDThreshold = stopRequestPSRDThreshold
        self.getPSRDBlockSize = getPSRDBlockSize
        self.minNrShares = minNrShares
        self.outOfBand = outOfBand
        self.dataDirectory = dataDirectory
        self.runDirectory = runDirectory
        self.host = host
        self.defaultKeySize = defaultKeySize
        self.authenticator = authenticator
        self.shareExpirySeconds = shareExpirySeconds
        self.maxPSRDBlockSize = maxPSRDBlockSize
        self.maxKeysPerRequest = maxKeysPerRequest
        self.lowPoolWarningPercent = lowPoolWarningPercent
        self.hubs = hubs
        self.clients = clients
    }

    /// Hubs first, then clients: the port order.
    public var nodes: [NodeConfiguration] { hubs + clients }

    public func node(named name: String) -> NodeConfiguration? { nodes.first { $0.name == name } }
    public func hub(named name: String) -> NodeConfiguration? { hubs.first { $0.name == name } }
    public func client(named name: String) -> NodeConfiguration? { clients.first { $0.name == name } }

    /// The client (KME) that serves an encryptor; encryptor names are SAE IDs, unique network-wide.
    public func client(owningEncryptor saeID: String) -> NodeConfiguration? {
        clients.first { $0.encryptors.contains(saeID) }
    }

    /// The certificate identity of every encryptor (SAE) of the network.
    public var encryptorIdentities: [String: CertificateIdentity] {
        clients.reduce(into: [:]) { result, client in result.merge(client.encryptorIdentities) { first, _ in first } }
    }

    /// Reads and validates a file. Relative directories in it resolve against the file's directory.
    /// `checkFiles: false` skips checking that the TLS files it names exist (`dske pki` makes them).
    public static func load(path: String, checkFiles: Bool = true) throws(ConfigError) -> DSKEConfiguration {
        let url = URL(fileURLWithPath: path)
        func failure(_ message: String) -> ConfigError {
            ConfigError(issues: [ConfigIssue(source: path, line: nil, column: nil, path: "", message: message)])
        }
        let data: Data
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
            if let size = attributes[.size] as? Int, size > Limits.maxFileSize {
                throw failure("file of \(size) bytes exceeds the limit of \(Limits.maxFileSize) bytes")
            }
            data = try Data(contentsOf: url)
        } catch let error as ConfigError {
            throw error
        } catch {
            throw failure("cannot read the file: \((error as NSError).localizedDescription)")
        }
        guard data.count <= Limits.maxFileSize else {
            throw failure("file of \(data.count) bytes exceeds the limit of \(Limits.maxFileSize) bytes")
        }
        guard let yaml = String(data: data, encoding: .utf8) else { throw failure("the file is not valid UTF-8") }
        return try parse(yaml: yaml, sourceName: path, baseDirectory: url.deletingLastPathComponent().path, checkFiles: checkFiles)
    }

    /// Validates YAML text. `sourceName` prefixes every issue; relative directories resolve
    /// against `baseDirectory`.
    public static func parse(yaml: String, sourceName: String, baseDirectory: String,
                             checkFiles: Bool = true) throws(ConfigError) -> DSKEConfiguration {
        var reader = ConfigReader(source: sourceName, baseDirectory: baseDirectory)
        reader.checkFiles = checkFiles
        let configuration = reader.read(yaml: yaml)
        guard let configuration, reader.issues.isEmpty else {
            throw ConfigError(issues: reader.sortedIssues)
        }
        return configuration
    }
}
