import DSKEConfig
import Foundation

/// Certificates for a whole topology: one CA (kept if the directory already holds one, so
/// certificates issued earlier stay valid), then a certificate and key per client (KME) and per
/// encryptor (SAE). KME certificates name the KME (CN) and the addresses its SAEs reach it at;
/// SAE certificates carry the identity dske-config.yaml gives the SAE (`cn:`, `dns:` or `uri:`).
public enum TopologyPKI {
    public struct Summary: Sendable {
        public let layout: PKILayout
        public let createdCA: Bool
        public let kmes: [String]
        public let saes: [String]
    }

    public static func write(configuration: DSKEConfiguration, directory: String, days: Int,
                             now: Date = Date()) throws(PKIError) -> Summary {
        guard days >= 1 else { throw PKIError("--days must be at least 1") }
        let layout = PKILayout(directory: directory)
        for sub in [layout.directory, layout.directory + "/kme", layout.directory + "/sae"] {
            do {
                try FileManager.default.createDirectory(atPath: sub, withIntermediateDirectories: true)
            } catch {
                throw PKIError("cannot create \(sub): \(error.localizedDescription)")
            }
        }
        let existing = FileManager.default.fileExists(atPath: layout.caCertificate) && FileManager.default.fileExists(atPath: layout.caKey)
        let ca = existing
            ? try CertificateAuthority.load(certificatePath: layout.caCertificate, keyPath: layout.caKey)
            : try CertificateAuthority.create(days: days, now: now)
        if !existing { try PKIFile.write(ca.issued, certificate: layout.caCertificate, key: layout.caKey) }
        let addresses = kmeAddresses(host: configuration.host)
        for client in configuration.clients {
            let issued = try ca.issue(commonName: client.name, dnsNames: addresses.dns, ipAddresses: addresses.ip,
                                      usage: .kme, days: days, now: now)
            try PKIFile.write(issued, certificate: layout.kmeCertificate(client.name), key: layout.kmeKey(client.name))
            for sae in client.encryptors {
                let identity = client.encryptorIdentities[sae] ?? .defaultIdentity(sae: sae)
                let issued = try ca.issue(
                    commonName: identity.kind == .commonName ? identity.value : sae,
                    dnsNames: identity.kind == .dnsName ? [identity.value] : [],
                    uris: identity.kind == .uri ? [identity.value] : [],
                    usage: .sae, days: days, now: now)
                try PKIFile.write(issued, certificate: layout.saeCertificate(sae), key: layout.saeKey(sae))
            }
        }
        return Summary(layout: layout, createdCA: !existing, kmes: configuration.clients.map(\.name),
                       saes: configuration.clients.flatMap(\.encryptors))
    }

    /// `localhost`, 127.0.0.1 and ::1, plus the configured host.
    static func kmeAddresses(host: String) -> (dns: [String], ip: [String]) {
        var dns = ["localhost"]
        var ip = ["127.0.0.1", "::1"]
        if CertificateAuthority.addressBytes(host) != nil {
            if !ip.contains(host) { ip.append(host) }
        } else if !dns.contains(host) {
            dns.append(host)
        }
        return (dns, ip)
    }
}
