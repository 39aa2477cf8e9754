import DSKEConfig

/// Where and how a KME serves SKIP (docs/skip.md): its own port, over TLS 1.3 with the KME's
/// certificate and the CA of its `tls` section. Without `tls` (tests only) it is plain HTTP and
/// the caller is named by the `Authorization` header, as for ETSI in simulation mode.
public struct SKIPEndpoint: Sendable {
    public var host: String
    /// 0 picks a free port.
    public var port: Int
    public var tls: TLSSettings?
    /// Every SAE of the network and the certificate identity that names it.
    public var identities: [String: CertificateIdentity]

    public init(host: String, port: Int, tls: TLSSettings? = nil, identities: [String: CertificateIdentity] = [:]) {
        self.host = host
        self.port = port
        self.tls = tls
        self.identities = identities
    }
}
