/// One hub or client of the topology, with everything derived from the file: its port (from the
/// reference's port plan), its base URL and its data directory.
public struct NodeConfiguration: Sendable, Hashable {
    public let name: String
    public let role: NodeRole
    public let port: Int
    /// `http://HOST:PORT/hub/NAME` or `http://HOST:PORT/client/NAME`.
    public let baseURL: String
    /// `<data_directory>/<name>`, absolute.
    public let dataDirectory: String
    /// The encryptors (SAE IDs) a client serves, in file order; empty for hubs.
    public let encryptors: [String]
    /// A client's key delivery interface over mutual TLS; nil: plain HTTP (simulation mode).
    public let tls: TLSSettings?
    /// The certificate identity of each of a client's encryptors (every one present, defaults
    /// filled in).
    public let encryptorIdentities: [String: CertificateIdentity]

    public init(name: String, role: NodeRole, port: Int, baseURL: String, dataDirectory: String, encryptors: [String],
                tls: TLSSettings? = nil, encryptorIdentities: [String: CertificateIdentity] = [:]) {
        self.name = name
        self.role = role
        self.port = port
        self.baseURL = baseURL
        self.dataDirectory = dataDirectory
        self.encryptors = encryptors
        self.tls = tls
        var identities = encryptorIdentities
        for sae in encryptors where identities[sae] == nil { identities[sae] = .defaultIdentity(sae: sae) }
        self.encryptorIdentities = identities
    }

    /// `https://HOST:TLSPORT`: where the SAEs of a TLS client reach it; nil without TLS.
    public var secureURL: String? {
        guard let tls, let url = URLComponentsLite(baseURL) else { return nil }
        return "https://\(url.host):\(tls.port)"
    }
}

/// The host part of `http://HOST:PORT/...` (brackets kept for IPv6), without Foundation.
struct URLComponentsLite {
    let host: String

    init?(_ url: String) {
        guard let start = url.range(of: "://")?.upperBound else { return nil }
        let rest = url[start...]
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
            host = String(rest[...close])
        } else {
            host = String(rest.prefix { $0 != ":" && $0 != "/" })
        }
    }
}
