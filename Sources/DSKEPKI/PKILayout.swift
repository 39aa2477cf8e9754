/// Where `dske pki` puts its files under one directory: `ca.crt`, `ca.key`, `kme/NAME.crt`,
/// `kme/NAME.key`, `sae/NAME.crt`, `sae/NAME.key` (certificates and keys as PEM; keys 0600).
public struct PKILayout: Sendable, Hashable {
    public let directory: String

    public init(directory: String) {
        var path = directory
        while path.count > 1, path.hasSuffix("/") { path.removeLast() }
        self.directory = path
    }

    public var caCertificate: String { directory + "/ca.crt" }
    public var caKey: String { directory + "/ca.key" }
    public func kmeCertificate(_ name: String) -> String { directory + "/kme/\(name).crt" }
    public func kmeKey(_ name: String) -> String { directory + "/kme/\(name).key" }
    public func saeCertificate(_ name: String) -> String { directory + "/sae/\(name).crt" }
    public func saeKey(_ name: String) -> String { directory + "/sae/\(name).key" }
}
