import Crypto
import Foundation
import SwiftASN1
import X509

/// A small certificate authority for tests and demos (`dske pki`): P-256 keys, ECDSA-SHA256
/// signatures, leaf certificates for KMEs (TLS server and client) and SAEs (TLS client).
public struct CertificateAuthority: Sendable {
    public let issued: IssuedCertificate

    public var certificate: Certificate { issued.certificate }

    public init(issued: IssuedCertificate) {
        self.issued = issued
    }

    /// A new self-signed CA valid from an hour ago (clock skew) for `days`.
    public static func create(commonName: String = "DSKE test CA", days: Int, now: Date = Date()) throws(PKIError) -> CertificateAuthority {
        let key = P256.Signing.PrivateKey()
        let publicKey = Certificate.PublicKey(key.publicKey)
        do {
            let name = try DistinguishedName {
                OrganizationName("DSKE")
                CommonName(commonName)
            }
            let extensions = try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: publicKey)
            }
            let certificate = try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: publicKey,
                notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(Double(days) * 86400),
                issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256, extensions: extensions,
                issuerPrivateKey: Certificate.PrivateKey(key))
            return CertificateAuthority(issued: IssuedCertificate(certificate: certificate, privateKey: key))
        } catch {
            throw PKIError("cannot make the CA certificate: \(error)")
        }
    }

    /// An existing CA from its PEM files.
    public static func load(certificatePath: String, keyPath: String) throws(PKIError) -> CertificateAuthority {
        do {
            let certificate = try Certificate(pemEncoded: try String(contentsOfFile: certificatePath, encoding: .utf8))
            let key = try P256.Signing.PrivateKey(pemRepresentation: try String(contentsOfFile: keyPath, encoding: .utf8))
            return CertificateAuthority(issued: IssuedCertificate(certificate: certificate, privateKey: key))
        } catch {
            throw PKIError("cannot read the CA \(certificatePath) / \(keyPath): \(error)")
        }
    }

    /// What a leaf certificate is for.
    public enum Usage: Sendable {
        /// A KME: the TLS server of its key delivery interface (and a TLS client).
        case kme
        /// An SAE: a TLS client.
        case sae
    }

    /// A leaf certificate signed by this CA. `notBefore`/`notAfter` default to an hour ago and
    /// `days` from now; tests pass past dates for an expired certificate.
    public func issue(commonName: String, dnsNames: [String] = [], ipAddresses: [String] = [], uris: [String] = [],
                      usage: Usage, days: Int = 365, notBefore: Date? = nil, notAfter: Date? = nil,
                      now: Date = Date()) throws(PKIError) -> IssuedCertificate {
        let key = P256.Signing.PrivateKey()
        let publicKey = Certificate.PublicKey(key.publicKey)
        var names: [GeneralName] = dnsNames.map { .dnsName($0) } + uris.map { .uniformResourceIdentifier($0) }
        for address in ipAddresses {
            guard let bytes = Self.addressBytes(address) else { throw PKIError("'\(address)' is not an IP address") }
            names.append(.ipAddress(ASN1OctetString(contentBytes: bytes[...])))
        }
        do {
            let subject = try DistinguishedName {
                OrganizationName("DSKE")
                CommonName(commonName)
            }
            let authorityKey = try certificate.extensions.subjectKeyIdentifier?.keyIdentifier
            let usages: [ExtendedKeyUsage.Usage] = usage == .kme ? [.serverAuth, .clientAuth] : [.clientAuth]
            let extensions = try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage(usages)
                SubjectKeyIdentifier(hash: publicKey)
                AuthorityKeyIdentifier(keyIdentifier: authorityKey)
                if !names.isEmpty { SubjectAlternativeNames(names) }
            }
            let certificate = try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: publicKey,
                notValidBefore: notBefore ?? now.addingTimeInterval(-3600),
                notValidAfter: notAfter ?? now.addingTimeInterval(Double(days) * 86400),
                issuer: self.certificate.subject, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
                extensions: extensions, issuerPrivateKey: Certificate.PrivateKey(issued.privateKey))
            return IssuedCertificate(certificate: certificate, privateKey: key)
        } catch {
            throw PKIError("cannot make the certificate of \(commonName): \(error)")
        }
    }

    /// IPv4 or IPv6 text to its 4 or 16 bytes.
    static func addressBytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }
}
