import Crypto
import X509

/// A certificate with its private key, both serialisable as PEM.
public struct IssuedCertificate: Sendable {
    public let certificate: Certificate
    public let privateKey: P256.Signing.PrivateKey

    public init(certificate: Certificate, privateKey: P256.Signing.PrivateKey) {
        self.certificate = certificate
        self.privateKey = privateKey
    }

    public func certificatePEM() throws(PKIError) -> String {
        do {
            return try certificate.serializeAsPEM().pemString + "\n"
        } catch {
            throw PKIError("cannot encode a certificate: \(error)")
        }
    }

    /// PKCS#8 PEM (`BEGIN PRIVATE KEY`), which OpenSSL, Python and NIOSSL all read.
    public var keyPEM: String { privateKey.pemRepresentation + "\n" }
}
