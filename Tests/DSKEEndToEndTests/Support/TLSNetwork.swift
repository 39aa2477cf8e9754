import AsyncHTTPClient
import DSKEPKI
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import Testing

/// A test network whose clients serve ETSI 014 over mutual TLS, with `dske pki` certificates.
/// Small (3 hubs, k=2) so that these tests leave room for the others.
struct TLSNetwork: Sendable {
    let network: TestNetwork
    let layout: PKILayout

    static let spec: NetworkSpec = {
        var spec = NetworkSpec()
        spec.hubs = ["hank", "helen", "hilary"]
        spec.minShares = 2
        spec.clients = [
            NetworkSpec.Client(name: "carol", encryptors: ["sam"]),
            NetworkSpec.Client(name: "connie", encryptors: ["sofia"]),
            NetworkSpec.Client(name: "curtis", encryptors: ["sunny", "susan"]),
        ]
        return spec
    }()

    /// Writes the tls sections into the network's config, runs `dske pki`, starts the network.
    /// `skip`: each client also serves Cisco SKIP (`skip_port`, docs/skip.md).
    static func with<T>(skip: Bool = false, _ body: (TLSNetwork) async throws -> T) async throws -> T {
        try await TestNetwork.with(spec, start: false) { network in
            let layout = PKILayout(directory: "\(network.directory)/pki")
            var yaml = try String(contentsOfFile: network.configPath, encoding: .utf8)
            for (index, client) in spec.clients.enumerated() {
                let section = "    tls: {certificate: pki/kme/\(client.name).crt, private_key: pki/kme/\(client.name).key, "
                    + "ca: pki/ca.crt, port: \(network.sparePort(index))"
                    + (skip ? ", skip_port: \(network.sparePort(index + skipPortOffset))}" : "}")
                yaml = yaml.replacingOccurrences(of: "  - name: \(client.name)\n", with: "  - name: \(client.name)\n\(section)\n")
            }
            try yaml.write(toFile: network.configPath, atomically: true, encoding: .utf8)
            let pki = try await network.dske(["pki", "--out", layout.directory, "--days", "2"])
            try #require(pki.status == 0, "dske pki failed: \(pki)")
            try await network.start()
            return try await body(TLSNetwork(network: network, layout: layout))
        }
    }

    func securePort(_ kme: String) -> Int {
        network.sparePort(Self.spec.clients.firstIndex { $0.name == kme }!)
    }

    /// SKIP ports follow the HTTPS ports among the spare ones.
    static let skipPortOffset = 5

    func skipPort(_ kme: String) -> Int { securePort(kme) + Self.skipPortOffset }

    func root(_ kme: String) -> String { "https://localhost:\(securePort(kme))/api/v1/keys" }

    /// Client credentials: an SAE's own files, or any certificate and key, or none.
    enum Credentials {
        case sae(String)
        case files(certificate: String, key: String)
        case none
    }

    /// One request with a client of its own (a fresh TLS session each time, as a new SAE would).
    func send(_ method: HTTPMethod, _ url: String, as credentials: Credentials, headers: [(String, String)] = [],
              json: String? = nil) async throws -> HTTPResult {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(layout.caCertificate))
        switch credentials {
        case .sae(let name):
            tls.certificateChain = try NIOSSLCertificate.fromPEMFile(layout.saeCertificate(name)).map { .certificate($0) }
            tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: layout.saeKey(name), format: .pem))
        case .files(let certificate, let key):
            tls.certificateChain = try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) }
            tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: key, format: .pem))
        case .none:
            break
        }
        var configuration = HTTPClient.Configuration()
        configuration.tlsConfiguration = tls
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            var request = HTTPClientRequest(url: url)
            request.method = method
            for (name, value) in headers { request.headers.add(name: name, value: value) }
            if let json {
                request.headers.add(name: "Content-Type", value: "application/json")
                request.body = .bytes(ByteBuffer(bytes: Data(json.utf8)))
            }
            let response = try await client.execute(request, timeout: .seconds(60))
            let buffer = try await response.body.collect(upTo: 1 << 20)
            let result = HTTPResult(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) },
                                    body: Data(buffer.readableBytesView))
            try await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    /// Writes a certificate and key made by `authority` for an SAE named `commonName`.
    func writeCertificate(_ issued: IssuedCertificate, name: String) throws -> Credentials {
        let certificate = "\(network.directory)/\(name).crt", key = "\(network.directory)/\(name).key"
        try PKIFile.write(issued, certificate: certificate, key: key)
        return .files(certificate: certificate, key: key)
    }
}
