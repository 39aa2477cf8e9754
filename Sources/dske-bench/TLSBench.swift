import ArgumentParser
import AsyncHTTPClient
import DSKEClient
import DSKEConfig
import DSKEHub
import DSKEPKI
import DSKEService
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL

/// `dske-bench tls`: key pairs over the key delivery interface with mutual TLS against the same
/// network over plain HTTP (5 hubs, k=3; carol with sam1..sam8, connie with sofia1..sofia8;
/// 256-bit keys), and the cost of a full TLS handshake. The nodes run inside this process (two
/// networks one after the other, same code paths as `dske node`), so both figures share one
/// machine's cores in the same way.
struct TLSBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tls",
        abstract: "Key pairs over mutual TLS (keep-alive) vs plain HTTP, and the full TLS handshake cost.")

    @Option(help: "Key pairs per encryptor pair in the 8-pair parallel runs.")
    var parallelPairs = 500

    @Option(help: "Sequential key pairs timed for the single-pair p50.")
    var pairs = 500

    @Option(help: "Requests on new connections timed for the handshake cost.")
    var handshakes = 300

    @Option(help: "Rounds of (plain, TLS) measurements; figures are the means.")
    var rounds = 2

    @Option(help: "First port of the networks (7 nodes + 2 HTTPS ports each, two networks 20 apart).")
    var basePort = 24_100

    func run() async throws {
        // The nodes run in this process: their routine log lines would drown the figures.
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .warning
            return handler
        }
        var logger = Logger(label: "dske-bench.tls")
        logger.logLevel = .critical

        // Rounds alternate the two networks so that neither always runs on a quieter machine.
        var plainRuns: [Figures] = [], tlsRuns: [Figures] = []
        for _ in 0..<rounds {
            plainRuns.append(try await measure(tls: false, basePort: basePort, logger: logger))
            tlsRuns.append(try await measure(tls: true, basePort: basePort + 20, logger: logger))
        }
        let plainFigures = Figures.mean(plainRuns), tlsFigures = Figures.mean(tlsRuns)

        BenchSupport.report("plain_pairs_per_s_8_parallel", plainFigures.pairsPerSecond, "pairs/s")
        BenchSupport.report("tls_pairs_per_s_8_parallel", tlsFigures.pairsPerSecond, "pairs/s")
        BenchSupport.report("tls_vs_plain_pairs_per_s", 100 * tlsFigures.pairsPerSecond / plainFigures.pairsPerSecond, "%")
        BenchSupport.report("plain_single_pair_p50", plainFigures.singlePairP50, "ms")
        BenchSupport.report("tls_single_pair_p50", tlsFigures.singlePairP50, "ms")
        BenchSupport.report("plain_status_keepalive_p50", plainFigures.keepAliveP50, "ms")
        BenchSupport.report("plain_status_new_connection_p50", plainFigures.newConnectionP50, "ms")
        BenchSupport.report("tls_status_keepalive_p50", tlsFigures.keepAliveP50, "ms")
        BenchSupport.report("tls_status_new_connection_p50", tlsFigures.newConnectionP50, "ms")
        // A new TLS connection costs its TCP connect too: subtract the plain new-connection cost.
        BenchSupport.report("tls_full_handshake_p50",
               (tlsFigures.newConnectionP50 - tlsFigures.keepAliveP50) - (plainFigures.newConnectionP50 - plainFigures.keepAliveP50), "ms")
    }

    struct Figures {
        var pairsPerSecond = 0.0
        var singlePairP50 = 0.0
        var keepAliveP50 = 0.0
        var newConnectionP50 = 0.0

        static func mean(_ runs: [Figures]) -> Figures {
            func average(_ value: (Figures) -> Double) -> Double { runs.map(value).reduce(0, +) / Double(max(runs.count, 1)) }
            return Figures(pairsPerSecond: average(\.pairsPerSecond), singlePairP50: average(\.singlePairP50),
                           keepAliveP50: average(\.keepAliveP50), newConnectionP50: average(\.newConnectionP50))
        }
    }

    /// Starts a network, measures it, stops it whatever happens.
    private func measure(tls: Bool, basePort: Int, logger: Logger) async throws -> Figures {
        let network = try await InProcessNetwork.start(basePort: basePort, tls: tls, logger: logger)
        do {
            let figures = try await measure(network, tls: tls)
            await network.stop()
            return figures
        } catch {
            await network.stop()
            throw error
        }
    }

    private func measure(_ network: InProcessNetwork, tls: Bool) async throws -> Figures {
        var figures = Figures()
        let encryptors = try EncryptorClients(network: network, tls: tls)
        do {
            for _ in 0..<100 { try await encryptors.pair(index: 1) }
            var single: [Double] = []
            for _ in 0..<pairs {
                let start = ContinuousClock.now
                try await encryptors.pair(index: 1)
                single.append((ContinuousClock.now - start) / .milliseconds(1))
            }
            figures.singlePairP50 = BenchSupport.percentile(single, 0.5)

            let started = ContinuousClock.now
            try await BenchSupport.concurrently(8) { index in
                for _ in 0..<parallelPairs { try await encryptors.pair(index: index) }
            }
            figures.pairsPerSecond = Double(8 * parallelPairs) / ((ContinuousClock.now - started) / .seconds(1))

            // Keep-alive first: a `Connection: close` request ends the pooled connection, so each
            // one after the first opens (and, over TLS, handshakes) a new one.
            var keepAlive: [Double] = [], fresh: [Double] = []
            for _ in 0..<handshakes { keepAlive.append(try await encryptors.timedStatus(close: false)) }
            _ = try await encryptors.timedStatus(close: true)
            for _ in 0..<handshakes { fresh.append(try await encryptors.timedStatus(close: true)) }
            figures.keepAliveP50 = BenchSupport.percentile(keepAlive, 0.5)
            figures.newConnectionP50 = BenchSupport.percentile(fresh, 0.5)
        } catch {
            await encryptors.shutdown()
            throw error
        }
        await encryptors.shutdown()
        return figures
    }

}

/// 5 hubs and 2 clients in this process, with or without mutual TLS on the clients' key
/// delivery interfaces; certificates from `DSKEPKI` in the scratch directory.
private struct InProcessNetwork: Sendable {
    static let hubs = ["hank", "helen", "hilary", "holly", "hugo"]
    let directory: String
    let configuration: DSKEConfiguration
    let nodes: [RunningNode]
    let layout: PKILayout

    static func start(basePort: Int, tls: Bool, logger: Logger) async throws -> InProcessNetwork {
        let directory = try BenchSupport.scratchDirectory(prefix: "dske-bench-tls")
        let layout = PKILayout(directory: directory + "/pki")
        func client(_ name: String, _ sae: String, _ port: Int) -> String {
            let section = tls ? "    tls: {certificate: pki/kme/\(name).crt, private_key: pki/kme/\(name).key, ca: pki/ca.crt, port: \(port)}\n" : ""
            return "  - name: \(name)\n\(section)    encryptors:\n" + (1...8).map { "      - name: \(sae)\($0)\n" }.joined()
        }
        let yaml = """
            base_port: \(basePort)
            min_nr_shares: 3
            data_directory: \(directory)/data
            run_directory: \(directory)/run
            get_psrd_block_size: 1000000
            start_request_psrd_threshold: 4000000
            stop_request_psrd_threshold: 8000000
            hubs:
            \(hubs.map { "  - name: \($0)" }.joined(separator: "\n"))
            clients:

            """ + client("carol", "sam", basePort + 10) + client("connie", "sofia", basePort + 11)
        let path = directory + "/dske-config.yaml"
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        if tls {
            let unchecked = try DSKEConfiguration.load(path: path, checkFiles: false)
            _ = try TopologyPKI.write(configuration: unchecked, directory: layout.directory, days: 1)
        }
        let configuration = try DSKEConfiguration.load(path: path)
        try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
        var nodes: [RunningNode] = []
        for hub in configuration.hubs {
            let store = try await HubNode.openStore(directory: hub.dataDirectory)
            let runtime = try HubNode.runtime(settings: try HubNode.settings(config: configuration, name: hub.name),
                                              store: store, logger: logger)
            nodes.append(try await runtime.start(host: configuration.host, port: hub.port))
        }
        var clients: [NodeRuntime] = []
        for client in configuration.clients {
            let store = try await ClientNode.openStore(directory: client.dataDirectory)
            let runtime = try ClientNode.runtime(settings: try ClientSettings(configuration: configuration, name: client.name),
                                                 store: store, logger: logger,
                                                 secure: try ClientNode.secureListener(config: configuration, node: client))
            nodes.append(try await runtime.start(host: configuration.host, port: client.port))
            clients.append(runtime)
        }
        let network = InProcessNetwork(directory: directory, configuration: configuration, nodes: nodes, layout: layout)
        // Measure once the clients' pools are full: their refills must not overlap the figures.
        let deadline = ContinuousClock.now + .seconds(120)
        for runtime in clients {
            while await !isFull(runtime, threshold: configuration.stopRequestPSRDThreshold) {
                guard ContinuousClock.now < deadline else {
                    await network.stop()
                    throw ValidationError("\(runtime.name)'s pools not full after 120 s")
                }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        return network
    }

    private static func isFull(_ runtime: NodeRuntime, threshold: Int) async -> Bool {
        let status = await runtime.status()
        guard case .bool(true)? = status["ready"], case .array(let pools)? = status["pools"], pools.count == 2 * hubs.count else {
            return false
        }
        return pools.allSatisfy { pool in
            guard case .object(let members) = pool, case .number(let unused)? = members["unused_bytes"],
                  let bytes = Int(unused.text) else { return false }
            return bytes >= threshold
        }
    }

    func stop() async {
        for node in nodes.reversed() { await node.stop() }
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// The encryptors: one HTTP client per SAE (over TLS its certificate is its identity), each with
/// its own keep-alive connection pool.
private final class EncryptorClients: Sendable {
    let carol: String
    let connie: String
    let tls: Bool
    let clients: [String: HTTPClient]

    init(network: InProcessNetwork, tls: Bool) throws {
        let carolNode = network.configuration.client(named: "carol")!, connieNode = network.configuration.client(named: "connie")!
        carol = tls ? "https://localhost:\(carolNode.tls!.port)/api/v1/keys" : "http://127.0.0.1:\(carolNode.port)/api/v1/keys"
        connie = tls ? "https://localhost:\(connieNode.tls!.port)/api/v1/keys" : "http://127.0.0.1:\(connieNode.port)/api/v1/keys"
        self.tls = tls
        var clients: [String: HTTPClient] = [:]
        for sae in (1...8).flatMap({ ["sam\($0)", "sofia\($0)"] }) {
            var configuration = HTTPClient.Configuration()
            if tls {
                var settings = TLSConfiguration.makeClientConfiguration()
                settings.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(network.layout.caCertificate))
                settings.certificateChain = try NIOSSLCertificate.fromPEMFile(network.layout.saeCertificate(sae)).map { .certificate($0) }
                settings.privateKey = .privateKey(try NIOSSLPrivateKey(file: network.layout.saeKey(sae), format: .pem))
                configuration.tlsConfiguration = settings
            }
            clients[sae] = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        }
        self.clients = clients
    }

    func shutdown() async {
        for client in clients.values { try? await client.shutdown() }
    }

    /// Get key at carol for sam<i> -> sofia<i>, Get key with key IDs at connie; the keys must match.
    func pair(index: Int) async throws {
        let issued = try await keys(.GET, "\(carol)/sofia\(index)/enc_keys", sae: "sam\(index)")
        let received = try await keys(.GET, "\(connie)/sam\(index)/dec_keys?key_ID=\(issued[0].0)", sae: "sofia\(index)")
        guard received.count == 1, received[0] == issued[0] else { throw ValidationError("keys differ between carol and connie") }
    }

    /// Milliseconds for one status call by sam1, on its pooled connection or on a new one.
    func timedStatus(close: Bool) async throws -> Double {
        var request = HTTPClientRequest(url: "\(carol)/sofia1/status")
        if !tls { request.headers.add(name: "Authorization", value: "sam1") }
        if close { request.headers.add(name: "Connection", value: "close") }
        let start = ContinuousClock.now
        let response = try await clients["sam1"]!.execute(request, timeout: .seconds(30))
        _ = try await response.body.collect(upTo: 1 << 20)
        guard response.status == .ok else { throw ValidationError("status: HTTP \(response.status.code)") }
        return (ContinuousClock.now - start) / .milliseconds(1)
    }

    private func keys(_ method: HTTPMethod, _ url: String, sae: String) async throws -> [(String, String)] {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if !tls { request.headers.add(name: "Authorization", value: sae) }
        let response = try await clients[sae]!.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        guard response.status == .ok, let keys = BenchSupport.keyPairs(fromContainer: bytes.readableBytesView) else {
            throw ValidationError("\(url): HTTP \(response.status.code) \(String(buffer: bytes))")
        }
        return keys
    }
}
