/// The name in an SAE's client certificate that identifies it to its KME over mutual TLS:
/// the subject's common name, or a DNS or URI subject alternative name. Written in
/// dske-config.yaml as `cn:NAME`, `dns:NAME` or `uri:URI`; the default is `cn:<SAE ID>`.
public struct CertificateIdentity: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, CaseIterable {
        case commonName = "cn"
        case dnsName = "dns"
        case uri = "uri"
    }

    public let kind: Kind
    public let value: String

    public init(kind: Kind, value: String) {
        self.kind = kind
        self.value = value
    }

    /// `cn:NAME`, `dns:NAME` or `uri:URI`; nil for anything else or an empty value.
    public init?(parsing text: String) {
        guard let colon = text.firstIndex(of: ":"), let kind = Kind(rawValue: text[..<colon].lowercased()) else { return nil }
        let value = String(text[text.index(after: colon)...])
        guard !value.isEmpty, !value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return nil }
        self.init(kind: kind, value: value)
    }

    /// The identity an SAE has when the configuration names none: its SAE ID as common name.
    public static func defaultIdentity(sae: String) -> CertificateIdentity { CertificateIdentity(kind: .commonName, value: sae) }

    public var description: String { "\(kind.rawValue):\(value)" }
}
