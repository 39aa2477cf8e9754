import ArgumentParser
import AsyncHTTPClient
import DSKEService
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Synchronization

/// `dske-bench http-floor`: what the mandated HTTP stack costs by itself on this machine. One
/// process, a Hummingbird 2 server on loopback with one trivial POST route (a JSON body in, a JSON
/// body of the same size out, a signature-sized header both ways, as a key-share exchange) and the
/// nodes' own AsyncHTTPClient (`DSKEHTTPClient.shared`: keep-alive, HTTP/1.1) as the caller. No
/// DSKE work at all: whatever a key pair costs beyond (exchanges per pair) x (this floor) is ours.
struct HTTPFloorBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "http-floor",
        abstract: "Exchanges/s and CPU per exchange of Hummingbird + AsyncHTTPClient on loopback; implied ceilings.")

    @Option(help: "Seconds each concurrency level runs (after a 1 s warm-up).")
    var seconds = 5.0

    @Option(help: "Bytes of the JSON request (and response) body; a single-key share message is about 300.")
    var bodyBytes = 300

    @Option(help: "Only serve on this loopback port for --seconds (for wrk), then print the server's figures.")
    var serveOnly: Int?

    @Option(help: "Only call: POST to this URL (a `--serve-only` process), two processes as in the network.")
    var url: String?

    /// HTTP exchanges per key pair, counted from the code (KeyRelay, PeerHub+Shares, the ETSI
    /// calls): enc_keys at the master KME, one batch POST key-shares per hub (5), dec_keys at the
    /// slave KME, one POST key-shares/fetch per hub (5). A batch of 128 keys travels in the same
    /// 12 messages (KeyShareBatch.maxCount is 1024). Refills add one GET dske/oob/v1/psrd per
    /// 256 KB block used, both clients together: 2 x 480 B / 262,144 B per single pair (15 PSRD
    /// bytes per key byte, 32-byte keys) and 2 x 20.8 KB / 262,144 B per batch pair (5.08 B/B).
    static let exchangesPerPair = 12.0 + 2 * 480 / 262_144
    static let exchangesPerBatchPair = 12.0 + 2 * 5.08 * 32 * 128 / 262_144

    func run() async throws {
        if let url {
            try await measure(url: url, body: Self.jsonBody(bytes: bodyBytes), bothEnds: false)
            return
        }
        var logger = Logger(label: "dske-bench.http-floor")
        logger.logLevel = .critical
        let served = Atomic<Int>(0)
        let body = Self.jsonBody(bytes: bodyBytes)
        let router = Router()
        router.post("/exchange") { request, _ -> Response in
            _ = try await request.body.collect(upTo: 1 << 20)
            served.add(1, ordering: .relaxed)
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            headers[HTTPField.Name("DSKE-Signature")!] = Self.signatureLike
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
        let bound = AsyncStream<Int>.makeStream()
        let app = Application(router: router,
                              configuration: .init(address: .hostname("127.0.0.1", port: serveOnly ?? 0), serverName: nil),
                              onServerRunning: { bound.continuation.yield($0.localAddress?.port ?? 0) },
                              logger: logger)
        let server = Task { try await ServiceGroup(services: [app], gracefulShutdownSignals: [], logger: logger).run() }
        defer { server.cancel() }
        var port = 0
        for await value in bound.stream { port = value; break }

        if serveOnly != nil {
            print("serving POST http://127.0.0.1:\(port)/exchange for \(seconds) s")
            let cpu = BenchSupport.processCPUSeconds(), before = served.load(ordering: .relaxed)
            try await Task.sleep(for: .seconds(seconds))
            let count = served.load(ordering: .relaxed) - before
            BenchSupport.report("http_floor_server_only_requests_per_s", Double(count) / seconds, "requests/s")
            BenchSupport.report("http_floor_server_only_cpu_per_request",
                                (BenchSupport.processCPUSeconds() - cpu) * 1e6 / Double(max(count, 1)), "us")
            return
        }

        try await measure(url: "http://127.0.0.1:\(port)/exchange", body: body, bothEnds: true)
    }

    /// The callers' figures at 1, 8 and 64 callers, and the ceilings they imply. CPU is this
    /// process's: both ends when the server runs here, the caller's alone with `--url`.
    private func measure(url: String, body: [UInt8], bothEnds: Bool) async throws {
        let cores = Double(ProcessInfo.processInfo.activeProcessorCount)
        _ = try await exchanges(url: url, body: body, callers: 8, for: .seconds(1))
        for callers in [1, 8, 64] {
            let cpu = BenchSupport.processCPUSeconds()
            let started = ContinuousClock.now
            let latencies = try await exchanges(url: url, body: body, callers: callers, for: .seconds(seconds))
            let elapsed = (ContinuousClock.now - started) / .seconds(1)
            let perSecond = Double(latencies.count) / elapsed
            let cpuPerExchange = (BenchSupport.processCPUSeconds() - cpu) * 1e6 / Double(latencies.count)
            BenchSupport.report("http_floor_exchanges_per_s_\(callers)_callers", perSecond, "exchanges/s")
            BenchSupport.report("http_floor_cpu_per_exchange_\(callers)_callers", cpuPerExchange, "us")
            BenchSupport.report("http_floor_exchange_p50_\(callers)_callers", BenchSupport.percentile(latencies, 0.5), "ms")
            guard callers > 1 else { continue }
            BenchSupport.report("http_floor_implied_max_pairs_per_s_\(callers)_callers", perSecond / Self.exchangesPerPair, "pairs/s")
            BenchSupport.report("http_floor_implied_max_keys_per_s_batch128_\(callers)_callers",
                                128 * perSecond / Self.exchangesPerBatchPair, "keys/s")
            // Were every core busy with nothing but these exchanges (both ends' CPU is known
            // only when the server runs in this process).
            guard bothEnds else { continue }
            BenchSupport.report("http_floor_cpu_bound_max_pairs_per_s_\(callers)_callers",
                                cores * 1e6 / (cpuPerExchange * Self.exchangesPerPair), "pairs/s")
            BenchSupport.report("http_floor_cpu_bound_max_keys_per_s_batch128_\(callers)_callers",
                                128 * cores * 1e6 / (cpuPerExchange * Self.exchangesPerBatchPair), "keys/s")
        }
        BenchSupport.report("http_floor_exchanges_per_pair", Self.exchangesPerPair, "exchanges")
        BenchSupport.report("http_floor_exchanges_per_batch128_pair", Self.exchangesPerBatchPair, "exchanges")
        BenchSupport.report("http_floor_cores", cores, "cores")
    }

    /// `callers` tasks posting back to back until `duration` is over; the latency of each
    /// exchange in milliseconds.
    private func exchanges(url: String, body: [UInt8], callers: Int, for duration: Duration) async throws -> [Double] {
        let client = DSKEHTTPClient.shared
        let deadline = ContinuousClock.now + duration
        return try await withThrowingTaskGroup(of: [Double].self) { group in
            for _ in 0..<callers {
                group.addTask {
                    var latencies: [Double] = []
                    while ContinuousClock.now < deadline {
                        var request = HTTPClientRequest(url: url)
                        request.method = .POST
                        request.headers.add(name: "Content-Type", value: "application/json")
                        request.headers.add(name: "DSKE-Signature", value: Self.signatureLike)
                        request.body = .bytes(ByteBuffer(bytes: body))
                        let start = ContinuousClock.now
                        let response = try await client.execute(request, timeout: .seconds(30))
                        _ = try await response.body.collect(upTo: 1 << 20)
                        guard response.status == .ok else { throw ValidationError("HTTP \(response.status.code)") }
                        latencies.append((ContinuousClock.now - start) / .milliseconds(1))
                    }
                    return latencies
                }
            }
            var all: [Double] = []
            for try await latencies in group { all += latencies }
            return all
        }
    }

    /// As long as a DSKE-Signature header value (HMAC-SHA256 tag, allocation, base64).
    static let signatureLike = String(repeating: "A", count: 120)

    /// A JSON object of about `bytes` bytes: a few short fields and one base64-like value.
    static func jsonBody(bytes: Int) -> [UInt8] {
        let head = #"{"client_name":"carol","master_sae_id":"sam1","slave_sae_id":"sofia1","key_id":"0f8fad5b-d9cb-469f-a165-70867728950e","share_index":1,"encrypted_share_value":""#
        return Array((head + String(repeating: "Q", count: max(0, bytes - head.utf8.count - 2)) + "\"}").utf8)
    }
}
