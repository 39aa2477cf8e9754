import DSKECore

/// What a hub needs to know to serve, independent of how it was configured (the configuration
/// file, or a test).
public struct HubSettings: Sendable {
    public var name: String
    public var authenticator: AuthenticatorKind
    /// Serve the reference's `/dske/oob/v1/` registration and PSRD endpoints (simulation mode).
    /// Without them clients are known by enrolment and PSRD arrives in bundles.
    public var outOfBandHTTP: Bool
    /// How long an unclaimed share is kept.
    public var shareExpiry: Duration
    /// Largest PSRD block one `GET .../oob/v1/psrd` may ask for.
    public var maxPSRDBlockSize: Int
    /// Most unused bytes one pool may hold before `GET .../psrd` refuses more (a registered
    /// client must not be able to fill the hub's disk).
    public var maxPoolBytes: Int
    /// Failed signature checks allowed per peer and address in `failureWindow` before 429.
    public var maxSignatureFailures: Int
    public var failureWindow: Duration
    /// Shares held at once, over all clients.
    public var maxPendingShares: Int
    /// Courier mode: warn when a pool holds less than this percentage of its PSRD (0: never).
    public var lowPoolWarningPercent: Int

    public init(name: String, authenticator: AuthenticatorKind = .hmacSHA256, outOfBandHTTP: Bool = true,
                shareExpiry: Duration = .seconds(60), maxPSRDBlockSize: Int = 1 << 20,
                maxPoolBytes: Int = 64 << 20, maxSignatureFailures: Int = 20, failureWindow: Duration = .seconds(60),
                maxPendingShares: Int = 1_000_000, lowPoolWarningPercent: Int = 20) {
        self.name = name
        self.authenticator = authenticator
        self.outOfBandHTTP = outOfBandHTTP
        self.shareExpiry = shareExpiry
        self.maxPSRDBlockSize = maxPSRDBlockSize
        self.maxPoolBytes = maxPoolBytes
        self.maxSignatureFailures = maxSignatureFailures
        self.failureWindow = failureWindow
        self.maxPendingShares = maxPendingShares
        self.lowPoolWarningPercent = lowPoolWarningPercent
    }
}
