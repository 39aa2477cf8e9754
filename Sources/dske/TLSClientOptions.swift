import ArgumentParser
import DSKEConfig
import DSKEPKI
import Foundation
import NIOSSL

/// How an encryptor command authenticates to a KME that serves its key delivery interface over
/// mutual TLS (docs/tls.md). Without options the SAE's certificate and key are looked up in the
/// `dske pki` directory the KME's CA bundle lives in (`sae/NAME.crt`, `sae/NAME.key`).
struct TLSClientOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "A dske pki directory holding sae/NAME.crt, sae/NAME.key and ca.crt (default: where the KME's CA bundle is).",
        valueName: "dir"))
    var pki: String?

    @Option(name: .long, help: ArgumentHelp("The SAE's client certificate (PEM).", valueName: "path"))
    var cert: String?

    @Option(name: .long, help: ArgumentHelp("The SAE's private key (PEM).", valueName: "path"))
    var key: String?

    @Option(name: .long, help: ArgumentHelp(
        "CA certificates that verify the KME's certificate (default: the pki directory's ca.crt).", valueName: "path"))
    var ca: String?

    /// Where and how `sae` calls `kme`: nil when the KME serves plain HTTP (simulation mode, the
    /// SAE named in the Authorization header). `explicitAllowed`: false where one command acts
    /// as two SAEs (get-key-pair), so a single --cert/--key would be ambiguous.
    func endpoint(sae: String, kme: Topology.Node, configuration: DSKEConfiguration,
                  explicitAllowed: Bool = true) throws(CLIError) -> SecureEndpoint? {
        guard let node = configuration.client(named: kme.name), let tls = node.tls else {
            if cert != nil || key != nil {
                throw CLIError(.configuration, "\(kme.label) serves plain HTTP (no tls section): --cert and --key do not apply")
            }
            return nil
        }
        guard (cert == nil) == (key == nil) else { throw CLIError(.configuration, "give --cert and --key together") }
        if cert != nil, !explicitAllowed {
            throw CLIError(.configuration, "this command acts as two SAEs: give --pki DIR instead of --cert/--key")
        }
        let layout = PKILayout(directory: pki.map(Self.absolute) ?? (tls.caBundle as NSString).deletingLastPathComponent)
        let certificate = cert.map(Self.absolute) ?? layout.saeCertificate(sae)
        let privateKey = key.map(Self.absolute) ?? layout.saeKey(sae)
        let authorities = ca.map(Self.absolute)
            ?? (FileManager.default.fileExists(atPath: layout.caCertificate) ? layout.caCertificate : tls.caBundle)
        for (what, path) in [("certificate", certificate), ("private key", privateKey), ("CA bundle", authorities)]
        where !FileManager.default.fileExists(atPath: path) {
            throw CLIError(.configuration, "no \(what) for SAE \(sae) at \(path): give --pki DIR or --cert/--key/--ca")
        }
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        do {
            configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) }
            configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: privateKey, format: .pem))
            configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(authorities))
        } catch {
            throw CLIError(.configuration, "cannot read the TLS files of SAE \(sae): \(error)")
        }
        return SecureEndpoint(origin: "https://\(Self.hostForURL(kme.host)):\(tls.port)", tls: configuration)
    }

    /// The mutual-TLS endpoints of `saes` (those whose KMEs serve TLS), for `KeyDeliveryAPI`.
    func endpoints(saes: [String], topology: Topology) throws(CLIError) -> [String: SecureEndpoint] {
        let configuration = try Topology.loadConfiguration(path: topology.configPath)
        var endpoints: [String: SecureEndpoint] = [:]
        for sae in saes {
            let kme = try topology.kme(serving: sae)
            endpoints[sae] = try endpoint(sae: sae, kme: kme, configuration: configuration, explicitAllowed: saes.count == 1)
        }
        return endpoints
    }

    static func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardizedFileURL.path
    }

    static func hostForURL(_ host: String) -> String {
        let connectable = (host == "0.0.0.0" || host.isEmpty) ? "127.0.0.1" : (host == "::" ? "::1" : host)
        return connectable.contains(":") ? "[\(connectable)]" : connectable
    }
}

/// A KME's key delivery interface over mutual TLS, as one SAE reaches it.
struct SecureEndpoint: Sendable {
    /// `https://HOST:PORT`: the standard ETSI root paths live under it.
    let origin: String
    let tls: TLSConfiguration
}
