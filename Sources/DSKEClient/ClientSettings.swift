import DSKEConfig
import DSKECore

/// What a client (KME) needs to know to serve, independent of how it was configured (the
/// configuration file, or a test that starts hubs on ephemeral ports).
public struct ClientSettings: Sendable {
    public var name: String
    /// The SAEs (encryptors) attached to this KME.
    public var encryptors: [String]
    /// The hubs, in share-index order.
    public var hubs: [HubEndpoint]
    /// Every SAE of the network and the client (KME) that serves it: names the target KME in
    /// Status and rejects unknown SAEs.
    public var saeOwners: [String: String]
    /// k: shares needed to rebuild a key.
    public var minNrShares: Int
    public var authenticator: AuthenticatorKind
    /// Register and fetch PSRD over the reference's `/dske/oob/v1/` endpoints. Without them the
    /// client is enrolled and its pools are filled by imported bundles, never refilled here.
    public var outOfBandHTTP: Bool
    /// Refill a pool that holds fewer unused bytes than this...
    public var startRequestPSRDThreshold: Int
    /// ...up to at least this many.
    public var stopRequestPSRDThreshold: Int
    /// Bytes per PSRD block request (larger when one request needs more).
    public var getPSRDBlockSize: Int
    /// The largest block this client asks a hub for.
    public var maxPSRDBlockSize: Int
    /// ETSI `key_size`: bits of a key when a request names no size.
    public var defaultKeySize: Int
    /// ETSI `max_key_per_request`, also the most key IDs one `dec_keys` call may name.
    public var maxKeysPerRequest: Int
    /// Deadline of one request to a hub (a hub that does not answer within it counts as down).
    public var requestTimeout: Duration
    /// Deadline of the liveness probe, and the pause between probes.
    public var probeInterval: Duration
    /// First and longest pause between registration attempts while a hub is not up yet.
    public var registrationRetry: (initial: Duration, maximum: Duration)
    /// Courier mode: warn when a pool holds less than this percentage of its PSRD (0: never).
    public var lowPoolWarningPercent: Int
    /// How long a key rebuilt by a failed dec_keys request stays for a retry (`RecoveredKeys`):
    /// the hubs' share expiry, as long as its shares would have waited there.
    public var shareExpiry: Duration
    /// The SKIP interface (docs/skip.md); nil: not served.
    public var skip: SKIPEndpoint? = nil

    public init(name: String, encryptors: [String], hubs: [HubEndpoint], saeOwners: [String: String],
                minNrShares: Int = DSKEConfiguration.Defaults.minNrShares, authenticator: AuthenticatorKind = .hmacSHA256,
                outOfBandHTTP: Bool = true,
                startRequestPSRDThreshold: Int = DSKEConfiguration.Defaults.startRequestPSRDThreshold,
                stopRequestPSRDThreshold: Int = DSKEConfiguration.Defaults.stopRequestPSRDThreshold,
                getPSRDBlockSize: Int = DSKEConfiguration.Defaults.getPSRDBlockSize,
                maxPSRDBlockSize: Int = DSKEConfiguration.Defaults.maxPSRDBlockSize,
                defaultKeySize: Int = DSKEConfiguration.Defaults.defaultKeySize,
                maxKeysPerRequest: Int = DSKEConfiguration.Defaults.maxKeysPerRequest,
                requestTimeout: Duration = .seconds(5), probeInterval: Duration = .seconds(1),
                registrationRetry: (initial: Duration, maximum: Duration) = (.milliseconds(100), .seconds(2)),
                lowPoolWarningPercent: Int = DSKEConfiguration.Defaults.lowPoolWarningPercent,
                shareExpiry: Duration = .seconds(DSKEConfiguration.Defaults.shareExpirySeconds)) {
        self.name = name
        self.encryptors = encryptors
        self.hubs = hubs
        self.saeOwners = saeOwners
        self.minNrShares = minNrShares
        self.authenticator = authenticator
        self.outOfBandHTTP = outOfBandHTTP
        self.startRequestPSRDThreshold = startRequestPSRDThreshold
        self.stopRequestPSRDThreshold = stopRequestPSRDThreshold
        self.getPSRDBlockSize = getPSRDBlockSize
        self.maxPSRDBlockSize = maxPSRDBlockSize
        self.defaultKeySize = defaultKeySize
        self.maxKeysPerRequest = maxKeysPerRequest
        self.requestTimeout = requestTimeout
        self.probeInterval = probeInterval
        self.registrationRetry = registrationRetry
        self.lowPoolWarningPercent = lowPoolWarningPercent
        self.shareExpiry = shareExpiry
    }

    /// The settings of client `name` in a configuration file.
    public init(configuration config: DSKEConfiguration, name: String) throws(ClientSetupError) {
        guard let node = config.client(named: name) else { throw .unknownClient(name) }
        var owners: [String: String] = [:]
        for client in config.clients {
            for sae in client.encryptors { owners[sae] = client.name }
        }
        self.init(name: node.name, encryptors: node.encryptors,
                  hubs: config.hubs.map { HubEndpoint(name: $0.name, baseURL: $0.baseURL) },
                  saeOwners: owners, minNrShares: config.minNrShares,
                  authenticator: Self.authenticator(config.authenticator),
                  outOfBandHTTP: config.outOfBand == .http,
                  startRequestPSRDThreshold: config.startRequestPSRDThreshold,
                  stopRequestPSRDThreshold: config.stopRequestPSRDThreshold,
                  getPSRDBlockSize: config.getPSRDBlockSize, maxPSRDBlockSize: config.maxPSRDBlockSize,
                  defaultKeySize: config.defaultKeySize, maxKeysPerRequest: config.maxKeysPerRequest,
                  lowPoolWarningPercent: config.lowPoolWarningPercent,
                  shareExpiry: .seconds(config.shareExpirySeconds))
        if let tls = node.tls, let port = tls.skipPort {
            skip = SKIPEndpoint(host: config.host, port: port, tls: tls, identities: config.encryptorIdentities)
        }
    }

    private static func authenticator(_ setting: AuthenticatorSetting) -> AuthenticatorKind {
        switch setting {
        case .hmacSHA256: .hmacSHA256
        case .poly1305: .poly1305
        }
    }

    /// Checks what the rest of the client relies on; the configuration loader checks the same
    /// for files, this catches hand-built settings.
    func validate() throws(ClientSetupError) {
        guard !hubs.isEmpty, hubs.count <= Shamir.maxShareCount else {
            throw .invalid("between 1 and \(Shamir.maxShareCount) hubs are needed, got \(hubs.count)")
        }
        guard (1...hubs.count).contains(minNrShares) else {
            throw .invalid("min_nr_shares \(minNrShares) must be between 1 and the number of hubs (\(hubs.count))")
        }
        guard Set(hubs.map(\.name)).count == hubs.count else { throw .invalid("hub names must be distinct") }
        guard ETSILimits.keySizeRange.contains(defaultKeySize), defaultKeySize % 8 == 0 else {
            throw .invalid("default key size \(defaultKeySize) must be a multiple of 8 in \(ETSILimits.keySizeRange)")
        }
        guard maxKeysPerRequest >= 1 else { throw .invalid("max keys per request must be positive") }
        guard getPSRDBlockSize >= 1, maxPSRDBlockSize >= getPSRDBlockSize else {
            throw .invalid("PSRD block sizes must satisfy 1 <= get_psrd_block_size <= max_psrd_block_size")
        }
        guard startRequestPSRDThreshold >= 0, stopRequestPSRDThreshold >= startRequestPSRDThreshold else {
            throw .invalid("PSRD thresholds must satisfy 0 <= start <= stop")
        }
    }
}
