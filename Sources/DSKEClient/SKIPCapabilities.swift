import DSKECore

/// draft-cisco-skip `GET /capabilities`: what this Key Provider offers the calling system.
/// System IDs here are SAE IDs (encryptor names of dske-config.yaml); see docs/skip.md.
public struct SKIPCapabilities: WireMessage, Hashable {
    /// `/entropy` is served.
    public var entropy: Bool
    /// `/key` and `/key/{keyId}` are served.
    public var key: Bool
    /// How keys come about: `"DSKE"` (split through the hubs, rebuilt by the peer's KME).
    public var algorithm: String
    /// The calling system's own ID.
    public var localSystemID: String
    /// Every system the caller can share keys with.
    public var remoteSystemID: [String]

    public init(entropy: Bool, key: Bool, algorithm: String, localSystemID: String, remoteSystemID: [String]) {
        self.entropy = entropy
        self.key = key
        self.algorithm = algorithm
        self.localSystemID = localSystemID
        self.remoteSystemID = remoteSystemID
    }
}
