/// A KME's key delivery interface over HTTPS with mutual TLS (docs/tls.md): its own certificate
/// and key, the CA bundle its SAEs' certificates must chain to, and the port it listens on (the
/// node's plain port keeps serving the management API).
public struct TLSSettings: Sendable, Hashable {
    /// The offset from the node's port when `tls.port` is not given.
    public static let defaultPortOffset = 1000

    /// PEM: the KME's certificate, optionally followed by intermediates. Absolute.
    public let certificate: String
    /// PEM: the KME's private key. Absolute.
    public let privateKey: String
    /// PEM: the CA certificates an SAE's client certificate must chain to. Absolute.
    public let caBundle: String
    /// The HTTPS port of the key delivery interface.
    public let port: Int
    /// Cisco SKIP (docs/skip.md) over TLS 1.3 with the same certificate and CA, on this port
    /// (`skip_port`); nil: SKIP is not served.
    public let skipPort: Int?

    public init(certificate: String, privateKey: String, caBundle: String, port: Int, skipPort: Int? = nil) {
        self.certificate = certificate
        self.privateKey = privateKey
        self.caBundle = caBundle
        self.port = port
        self.skipPort = skipPort
    }
}
