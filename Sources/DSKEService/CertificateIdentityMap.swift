import DSKEConfig
import X509

/// Maps a verified client certificate to the SAE it names (docs/tls.md): an SAE configured as
/// `cn:NAME` matches a certificate whose subject common name is NAME, `dns:` and `uri:` match a
/// subject alternative name. A certificate that matches no SAE, or more than one, names nobody.
public struct CertificateIdentityMap: Sendable {
    private let byIdentity: [CertificateIdentity: String]

    /// `identities`: SAE ID -> identity, for every SAE of the network (the KME checks afterwards
    /// whether the SAE is one of its own, so that the refusal can name it).
    public init(identities: [String: CertificateIdentity]) {
        var map: [CertificateIdentity: String] = [:]
        for (sae, identity) in identities { map[identity] = sae }
        byIdentity = map
    }

    /// The SAE the certificate names, or why it names none.
    public func sae(for certificate: Certificate) -> Result<String, CallerIdentityError> {
        let names = Self.identities(of: certificate)
        let matches = Set(names.compactMap { byIdentity[$0] })
        guard matches.count == 1, let sae = matches.first else {
            let shown = names.prefix(4).map { Self.printable($0.description) }.joined(separator: ", ")
            if matches.isEmpty {
                return .failure(CallerIdentityError(message: "The client certificate (\(shown.isEmpty ? "no names" : shown)) names no SAE of this network."))
            }
            return .failure(CallerIdentityError(message: "The client certificate names more than one SAE (\(matches.sorted().joined(separator: ", ")))."))
        }
        return .success(sae)
    }

    /// Every name in the certificate an SAE identity can refer to.
    static func identities(of certificate: Certificate) -> [CertificateIdentity] {
        var names: [CertificateIdentity] = []
        for rdn in certificate.subject {
            for attribute in rdn where attribute.type == .RDNAttributeType.commonName {
                if let text = String(attribute.value) { names.append(CertificateIdentity(kind: .commonName, value: text)) }
            }
        }
        if let alternatives = try? certificate.extensions.subjectAlternativeNames {
            for name in alternatives {
                switch name {
                case .dnsName(let dns): names.append(CertificateIdentity(kind: .dnsName, value: dns))
                case .uniformResourceIdentifier(let uri): names.append(CertificateIdentity(kind: .uri, value: uri))
                default: break
                }
            }
        }
        return names
    }

    /// Certificate names reach logs and error bodies: shortened, without control characters.
    static func printable(_ text: String) -> String {
        String(text.unicodeScalars.prefix(80).map { $0.value < 0x20 || $0.value == 0x7F ? "?" : Character($0) })
    }
}
