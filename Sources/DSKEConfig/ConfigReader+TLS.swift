import Foundation
import Yams

/// The mutual-TLS parts of a client: its `tls` section and its encryptors' `certificate_identity`.
extension ConfigReader {
    static let tlsKeys = ["certificate", "private_key", "ca", "port", "skip_port"]

    /// A client's `tls` section as written, before its port default is known.
    struct TLSSection {
        let certificate: String
        let privateKey: String
        let caBundle: String
        let port: Int?
        /// Cisco SKIP over TLS 1.3 on this port (docs/skip.md); nil: SKIP not served.
        let skipPort: Int?
        let place: Place?
        let path: String

        func settings(nodePort: Int) -> TLSSettings {
            TLSSettings(certificate: certificate, privateKey: privateKey, caBundle: caBundle,
                        port: port ?? nodePort + TLSSettings.defaultPortOffset, skipPort: skipPort)
        }
    }

    /// What a client entry says about mutual TLS.
    struct ClientSecurity {
        var tls: TLSSection?
        /// SAE ID -> identity written for it (nil: the default, `cn:<SAE ID>`).
        var identities: [String: CertificateIdentity?] = [:]
        /// Where each SAE (its name, or its certificate_identity when written) is, for reports.
        var places: [String: (place: Place?, path: String)] = [:]
    }

    mutating func tlsSection(_ entry: Entry) -> TLSSection? {
        guard let members = mapping(entry.value, path: entry.path, allowed: Self.tlsKeys) else { return nil }
        func file(_ key: String) -> String? {
            guard let member = members[key] else {
                report(entry.place, entry.path, "missing key '\(key)'")
                return nil
            }
            guard let path = directory(member, default: "") else { return nil }
            guard checkFiles else { return path }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
                report(member.place, member.path, "no such file: \(path)")
                return nil
            }
            guard FileManager.default.isReadableFile(atPath: path) else {
                report(member.place, member.path, "cannot read \(path) (permissions)")
                return nil
            }
            return path
        }
        let certificate = file("certificate")
        let privateKey = file("private_key")
        let caBundle = file("ca")
        var port: Int?
        if let member = members["port"] {
            guard let value = integer(member, default: 0, in: 1...65535) else { return nil }
            port = value
        }
        var skipPort: Int?
        if let member = members["skip_port"] {
            guard let value = integer(member, default: 0, in: 1...65535) else { return nil }
            skipPort = value
        }
        guard let certificate, let privateKey, let caBundle else { return nil }
        return TLSSection(certificate: certificate, privateKey: privateKey, caBundle: caBundle, port: port,
                          skipPort: skipPort, place: entry.place, path: entry.path)
    }

    mutating func certificateIdentity(_ entry: Entry) -> CertificateIdentity? {
        guard let text = string(entry) else { return nil }
        guard let identity = CertificateIdentity(parsing: text) else {
            report(entry.place, entry.path,
                   "'\(Self.excerpt(text))' is not a certificate identity: write cn:NAME, dns:NAME or uri:URI")
            return nil
        }
        return identity
    }

    /// HTTPS ports must not collide with any node's port or with each other, and two SAEs must
    /// not share an identity (a certificate would then name both).
    mutating func checkSecurity(_ nodes: [NodeConfiguration], sections: [String: ClientSecurity]) {
        let places = sections.values.reduce(into: [String: (place: Place?, path: String)]()) { $0.merge($1.places) { first, _ in first } }
        var taken: [Int: String] = [:]
        for node in nodes { taken[node.port] = node.name }
        for node in nodes {
            guard let tls = node.tls, let section = sections[node.name]?.tls else { continue }
            if tls.port > 65535 {
                report(section.place, section.path + ".port",
                       "the default HTTPS port \(tls.port) (node port + \(TLSSettings.defaultPortOffset)) is beyond 65535: set 'port'")
            } else if let other = taken[tls.port] {
                report(section.place, section.path + ".port", "HTTPS port \(tls.port) is already \(other)'s port")
            } else {
                taken[tls.port] = node.name + " (HTTPS)"
            }
            if let skip = tls.skipPort {
                if let other = taken[skip] {
                    report(section.place, section.path + ".skip_port", "SKIP port \(skip) is already \(other)'s port")
                } else {
                    taken[skip] = node.name + " (SKIP)"
                }
            }
        }
        var owners: [CertificateIdentity: String] = [:]
        for node in nodes {
            for sae in node.encryptors {
                guard let identity = node.encryptorIdentities[sae] else { continue }
                if let first = owners[identity] {
                    report(places[sae]?.place, places[sae]?.path ?? "clients",
                           "encryptors '\(first)' and '\(sae)' have the same certificate identity \(identity)")
                } else {
                    owners[identity] = sae
                }
            }
        }
    }
}
