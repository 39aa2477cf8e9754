import DSKEConfig
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOSSL
import ServiceLifecycle

/// The HTTPS listener of a key delivery interface with mutual TLS (docs/tls.md): TLS 1.2 or 1.3
/// (1.3 preferred by negotiation), the KME's certificate, client certificates verified against
/// the configured CA bundle during the handshake. A certificate that does not verify (another CA,
/// expired, not yet valid) ends the handshake with a TLS alert; a client without a certificate
/// completes it and gets a JSON 401 from the interface, which tells it what is missing.
public struct SecureListener: Sendable {
    public let host: String
    public let port: Int
    public let tlsConfiguration: TLSConfiguration
    public let identities: CertificateIdentityMap

    public init(host: String, port: Int, tlsConfiguration: TLSConfiguration, identities: CertificateIdentityMap) {
        self.host = host
        self.port = port
        self.tlsConfiguration = tlsConfiguration
        self.identities = identities
    }

    /// From a client's `tls` settings; `identities` maps every SAE of the network.
    public init(host: String, settings: TLSSettings, identities: [String: CertificateIdentity]) throws(TLSSetupError) {
        let chain = try Self.certificates(settings.certificate, what: "certificate")
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: settings.privateKey, format: .pem)
        } catch {
            throw TLSSetupError("cannot read the private key \(settings.privateKey): \(error)")
        }
        let authorities = try Self.certificates(settings.caBundle, what: "CA bundle")
        var tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        tls.minimumTLSVersion = .tlsv12
        tls.certificateVerification = .optionalVerification
        tls.trustRoots = .certificates(authorities)
        // Lets a client holding several certificates pick one this KME accepts.
        tls.sendCANameList = true
        self.init(host: host, port: settings.port, tlsConfiguration: tls, identities: CertificateIdentityMap(identities: identities))
    }

    /// The server builder Hummingbird's `Application` takes.
    public func serverBuilder() throws(TLSSetupError) -> HTTPServerBuilder {
        do {
            return try .tls(.http1(), tlsConfiguration: tlsConfiguration)
        } catch {
            throw TLSSetupError("cannot set up TLS: \(error)")
        }
    }

    static func certificates(_ path: String, what: String) throws(TLSSetupError) -> [NIOSSLCertificate] {
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMFile(path)
        } catch {
            throw TLSSetupError("cannot read the \(what) \(path): \(error)")
        }
        guard !certificates.isEmpty else { throw TLSSetupError("the \(what) \(path) holds no PEM certificate") }
        return certificates
    }
}

/// A TLS listener that cannot be set up: one line naming the file at fault.
public struct TLSSetupError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

extension SecureListener {
    /// The HTTPS application serving `routes` with callers named by their certificates.
    public func application(routes: [Route], name: String, logger: Logger,
                     onRunning: @escaping @Sendable (Int) -> Void) throws(TLSSetupError) -> some Service {
        let host = self.host
        let port = self.port
        return Application(
            router: NodeRouter.make(routes: routes, certificates: identities, logger: logger),
            server: try serverBuilder(),
            configuration: .init(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in
                let actual = channel.localAddress?.port ?? port
                logger.info("\(name) key delivery over mutual TLS on https://\(host):\(actual)")
                onRunning(actual)
            },
            logger: logger)
    }
}
