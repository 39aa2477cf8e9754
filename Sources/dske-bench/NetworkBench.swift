import ArgumentParser
import AsyncHTTPClient
import DSKEClient
import DSKEConfig
import DSKEHub
import DSKEService
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// `dske-bench network`: a DSKE network of real processes on loopback (5 hubs; carol with
/// encryptors sam1..sam8, connie with sofia1..sofia8; 256-bit keys) measured as encryptors use
/// it. The nodes are this executable itself (`dske-bench network node ROLE NAME`), so the
/// benchmark needs nothing but its own release build.
struct NetworkBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "network",
        abstract: "Key pairs through 5 hubs over loopback HTTP: latency, throughput, PSRD use, memory.",
        subcommands: [Measure.self, Node.self],
        defaultSubcommand: Measure.self)

    /// Runs one node of the benchmark's network (started by `Measure`, not by hand).
    struct Node: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "node", abstract: "Run one node of the benchmark network.", shouldDisplay: false)

        @Argument var role: String
        @Argument var name: String
        @Option var config: String

        func run() async throws {
            NodeProcess.runConcurrencyOnEventLoops()  // as `dske node` does
            let configuration = try DSKEConfiguration.load(path: config)
            switch role {
            case "hub": try await HubNode.run(config: configuration, name: name)
            case "client": try await ClientNode.run(config: configuration, name: name)
            default: throw ValidationError("role is hub or client")
            }
        }
    }

    struct Measure: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "measure", abstract: "Start the network, measure, stop it.")

        @Option(help: "Sequential key pairs timed for the latency percentiles.")
        var pairs = 2000

        @Option(help: "Key pairs per encryptor pair in the 8-pair parallel run.")
        var parallelPairs = 1000

        @Option(help: "Keys delivered in total before node memory is read.")
        var keysForMemory = 100_000

        @Option(help: "First port of the network (5 hubs + 2 clients; default: the first free range from 23100).")
        var basePort: Int?

        @Option(help: "hmac-sha256 (as the reference) or poly1305.")
        var authenticator = "hmac-sha256"

        func run() async throws {
            // The driver (the encryptors) shares the 2 cores with the nodes: it runs its tasks on
            // its event loops too, as the nodes do.
            NodeProcess.runConcurrencyOnEventLoops()
            let network = try BenchNetwork(basePort: basePort ?? BenchNetwork.freeBasePort(from: 23_100),
                                           authenticator: authenticator)
            // A Ctrl-C or kill must not leave the nodes behind.
            let signals = [SIGINT, SIGTERM].map { (signalNumber: Int32) -> any DispatchSourceSignal in
                signal(signalNumber, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
                source.setEventHandler {
                    network.killNow()
                    Foundation.exit(128 + signalNumber)
                }
                source.resume()
                return source
            }
            defer { signals.forEach { $0.cancel() } }
            // The machine's speed with nothing else running, before and after: see
            // `BenchSupport.machineSpeedMicroseconds`.
            BenchSupport.report("network_machine_shamir_us_before", try BenchSupport.machineSpeedMicroseconds(), "us")
            do {
                try await network.start()
                try await measure(network)
            } catch {
                // The logs say why: keep them.
                await network.stop(keepDirectory: true)
                throw error
            }
            await network.stop(keepDirectory: false)
            BenchSupport.report("network_machine_shamir_us_after", try BenchSupport.machineSpeedMicroseconds(), "us")
        }

        private func measure(_ network: BenchNetwork) async throws {
            let http = network.http
            // Warm-up: connections, pools, caches.
            for _ in 0..<200 { _ = try await http.pair(index: 1, number: 1) }
            var keysDelivered = 200

            // One pair at a time.
            var getKey: [Double] = [], getKeyWithIDs: [Double] = [], pair: [Double] = []
            let psrdBefore = try await network.psrdConsumed()
            var cpu = network.cpuSeconds()
            for _ in 0..<pairs {
                let timing = try await http.pair(index: 1, number: 1)
                getKey.append(timing.getKey)
                getKeyWithIDs.append(timing.getKeyWithIDs)
                pair.append(timing.getKey + timing.getKeyWithIDs)
            }
            keysDelivered += pairs
            let psrdAfter = try await network.psrdConsumed()
            BenchSupport.report("network_get_key_p50", BenchSupport.percentile(getKey, 0.50), "ms")
            BenchSupport.report("network_get_key_p99", BenchSupport.percentile(getKey, 0.99), "ms")
            BenchSupport.report("network_get_key_with_key_ids_p50", BenchSupport.percentile(getKeyWithIDs, 0.50), "ms")
            BenchSupport.report("network_get_key_with_key_ids_p99", BenchSupport.percentile(getKeyWithIDs, 0.99), "ms")
            BenchSupport.report("network_single_pair_p50", BenchSupport.percentile(pair, 0.50), "ms")
            BenchSupport.report("network_single_pair_p99", BenchSupport.percentile(pair, 0.99), "ms")
            cpu = reportCPU(network, since: cpu, phase: "single", pairs: pairs)
            let keyBytes = Double(pairs * BenchNetwork.keyBits / 8)
            for client in BenchNetwork.clients {
                let used = Double((psrdAfter[client] ?? 0) - (psrdBefore[client] ?? 0))
                BenchSupport.report("network_psrd_per_key_byte_single_\(client)", used / keyBytes, "B/B")
            }

            // Eight encryptor pairs at once.
            let messagesBefore = try await network.shareMessages()
            let started = ContinuousClock.now
            try await BenchSupport.concurrently(8) { index in for _ in 0..<parallelPairs { _ = try await http.pair(index: index, number: 1) } }
            let parallelSeconds = (ContinuousClock.now - started) / .seconds(1)
            BenchSupport.report("network_pairs_per_s_8_parallel", Double(8 * parallelPairs) / parallelSeconds, "pairs/s")
            cpu = reportCPU(network, since: cpu, phase: "8_parallel", pairs: 8 * parallelPairs)
            let messagesAfter = try await network.shareMessages()
            BenchSupport.report("network_hub_messages_per_pair_8_parallel",
                                Double(messagesAfter.all - messagesBefore.all) / Double(8 * parallelPairs), "messages")
            BenchSupport.report("network_multi_messages_per_pair_8_parallel",
                                Double(messagesAfter.multi - messagesBefore.multi) / Double(8 * parallelPairs), "messages")
            keysDelivered += 8 * parallelPairs

            // Batches of 128, one request at a time, then eight at once.
            let batchBefore = try await network.psrdConsumed()
            let batches = 100
            let batchStart = ContinuousClock.now
            var batchGetKey: [Double] = [], batchGetKeyWithIDs: [Double] = []
            for _ in 0..<batches {
                let timing = try await http.pair(index: 1, number: 128)
                batchGetKey.append(timing.getKey)
                batchGetKeyWithIDs.append(timing.getKeyWithIDs)
            }
            let batchSeconds = (ContinuousClock.now - batchStart) / .seconds(1)
            BenchSupport.report("network_batch128_get_key_p50", BenchSupport.percentile(batchGetKey, 0.50), "ms")
            BenchSupport.report("network_batch128_get_key_with_key_ids_p50", BenchSupport.percentile(batchGetKeyWithIDs, 0.50), "ms")
            BenchSupport.report("network_keys_per_s_batch128", Double(batches * 128) / batchSeconds, "keys/s")
            cpu = reportCPU(network, since: cpu, phase: "batch128", pairs: batches)
            keysDelivered += batches * 128
            let batchAfter = try await network.psrdConsumed()
            let batchKeyBytes = Double(batches * 128 * BenchNetwork.keyBits / 8)
            for client in BenchNetwork.clients {
                let used = Double((batchAfter[client] ?? 0) - (batchBefore[client] ?? 0))
                BenchSupport.report("network_psrd_per_key_byte_batch128_\(client)", used / batchKeyBytes, "B/B")
            }

            // 800 batch pairs by 8 requests at once (one per encryptor pair), then by 32 (four per
            // pair): a KME serving many encryptors sees the second.
            for tasks in [8, 32] {
                let perTask = 800 / tasks
                let batchMessagesBefore = try await network.shareMessages()
                let parallelBatchStart = ContinuousClock.now
                try await BenchSupport.concurrently(tasks) { task in
                    for _ in 0..<perTask { _ = try await http.pair(index: (task - 1) % 8 + 1, number: 128) }
                }
                let parallelBatchSeconds = (ContinuousClock.now - parallelBatchStart) / .seconds(1)
                BenchSupport.report("network_keys_per_s_batch128_\(tasks)_parallel", Double(tasks * perTask * 128) / parallelBatchSeconds, "keys/s")
                cpu = reportCPU(network, since: cpu, phase: "batch128_\(tasks)_parallel", pairs: tasks * perTask)
                // Coalescing at work: below 10 (5 hubs, two directions), requests shared messages.
                let batchMessagesAfter = try await network.shareMessages()
                BenchSupport.report("network_hub_messages_per_pair_batch128_\(tasks)_parallel",
                                    Double(batchMessagesAfter.all - batchMessagesBefore.all) / Double(tasks * perTask), "messages")
                keysDelivered += tasks * perTask * 128
            }

            // Memory once at least `keysForMemory` keys went through.
            while keysDelivered < keysForMemory {
                try await BenchSupport.concurrently(8) { index in _ = try await http.pair(index: index, number: 128) }
                keysDelivered += 8 * 128
            }
            BenchSupport.report("network_keys_delivered", Double(keysDelivered), "keys")
            // Under load (the last requests' buffers still held), then once the nodes had a
            // second and a half of quiet, in which `HeapTrimmer` gives freed heap pages back.
            for (name, kib) in network.residentKiB() {
                BenchSupport.report("network_rss_\(name)", Double(kib) / 1024, "MiB")
            }
            try await Task.sleep(for: .milliseconds(1500))
            for (name, kib) in network.residentKiB() {
                BenchSupport.report("network_rss_quiet_\(name)", Double(kib) / 1024, "MiB")
            }
        }

        /// CPU time per pair (per batch pair for batches) spent by the hubs, the clients and this
        /// driver since `since`: with 2 cores, a throughput bound is 2 s / (their sum).
        private func reportCPU(_ network: BenchNetwork, since: [String: Double], phase: String, pairs: Int) -> [String: Double] {
            let now = network.cpuSeconds()
            for group in ["hubs", "clients", "driver"] {
                let used = (now[group] ?? 0) - (since[group] ?? 0)
                BenchSupport.report("network_cpu_ms_per_pair_\(phase)_\(group)", used * 1000 / Double(pairs), "ms")
            }
            return now
        }

    }
}

/// The benchmark's network: config in a scratch directory, one process per node.
private final class BenchNetwork: @unchecked Sendable {
    static let hubs = ["hank", "helen", "hilary", "holly", "hugo"]
    static let clients = ["carol", "connie"]
    static let keyBits = 256

    let directory: String
    let configPath: String
    let basePort: Int
    let http: BenchHTTP
    private var processes: [(name: String, process: Process)] = []

    init(basePort: Int, authenticator: String) throws {
        directory = try BenchSupport.scratchDirectory(prefix: "dske-bench-network")
        configPath = "\(directory)/dske-config.yaml"
        self.basePort = basePort
        let samSAEs = (1...8).map { "sam\($0)" }, sofiaSAEs = (1...8).map { "sofia\($0)" }
        let yaml = """
            base_port: \(basePort)
            min_nr_shares: 3
            out_of_band: http
            authenticator: \(authenticator)
            default_key_size: \(Self.keyBits)
            data_directory: \(directory)/data
            run_directory: \(directory)/run
            get_psrd_block_size: 262144
            start_request_psrd_threshold: 1000000
            stop_request_psrd_threshold: 2000000
            hubs:
            \(Self.hubs.map { "  - name: \($0)" }.joined(separator: "\n"))
            clients:
              - name: carol
                encryptors:
            \(samSAEs.map { "      - name: \($0)" }.joined(separator: "\n"))
              - name: connie
                encryptors:
            \(sofiaSAEs.map { "      - name: \($0)" }.joined(separator: "\n"))

            """
        try yaml.write(toFile: configPath, atomically: true, encoding: .utf8)
        http = BenchHTTP(carol: "http://127.0.0.1:\(basePort + Self.hubs.count)/client/carol",
                         connie: "http://127.0.0.1:\(basePort + Self.hubs.count + 1)/client/connie")
    }

    func port(_ name: String) -> Int {
        let order = Self.hubs.sorted() + Self.clients.sorted()
        return basePort + order.firstIndex(of: name)!
    }

    func statusURL(_ name: String) -> String {
        let role = Self.hubs.contains(name) ? "hub" : "client"
        return "http://127.0.0.1:\(port(name))/\(role)/\(name)/mgmt/v1/status"
    }

    func start() async throws {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        for name in Self.hubs + Self.clients {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = ["network", "node", Self.hubs.contains(name) ? "hub" : "client", name, "--config", configPath]
            let log = "\(directory)/\(name).log"
            _ = FileManager.default.createFile(atPath: log, contents: nil)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
            process.standardOutput = handle
            process.standardError = handle
            process.standardInput = FileHandle.nullDevice
            try process.run()
            processes.append((name, process))
        }
        let deadline = ContinuousClock.now + .seconds(60)
        for (name, process) in processes {
            while true {
                guard process.isRunning else {
                    throw ValidationError("\(name) exited at start-up; see \(directory)/\(name).log")
                }
                if let status = try? await http.json(statusURL(name)), status["ready"] as? Bool ?? true { break }
                guard ContinuousClock.now < deadline else { throw ValidationError("\(name) not ready after 60 s") }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    /// The first range of 7 free loopback ports from `start`, in steps of 10.
    static func freeBasePort(from start: Int) -> Int {
        var base = start
        while base < 32_000 {
            if (base..<base + hubs.count + clients.count).allSatisfy(isFree) { return base }
            base += 10
        }
        return start
    }

    private static func isFree(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    /// Set by `killNow`: the measurement's own error path then has nothing to keep or report.
    private let interrupted = Mutex(false)

    /// From a signal handler: SIGKILL every node at once (no time for a graceful stop).
    func killNow() {
        interrupted.withLock { $0 = true }
        for (_, process) in processes where process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// SIGTERM, then SIGKILL for any node still there after 10 s; the scratch directory goes
    /// unless kept (its path is printed on stderr then).
    func stop(keepDirectory: Bool) async {
        for (_, process) in processes where process.isRunning { process.terminate() }
        for (_, process) in processes {
            for _ in 0..<100 where process.isRunning { try? await Task.sleep(for: .milliseconds(100)) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        if interrupted.withLock({ $0 }) { return }
        if keepDirectory {
            FileHandle.standardError.write(Data("network kept for inspection: \(directory)\n".utf8))
        } else {
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    /// PSRD bytes each client has used so far, all pools together: what it received from its
    /// hubs (status `registrations[].psrd_bytes_*`, cumulative) less what is still unused.
    func psrdConsumed() async throws -> [String: Int] {
        var result: [String: Int] = [:]
        for client in Self.clients {
            let status = try await http.json(statusURL(client))
            let received = (status["registrations"] as? [[String: Any]] ?? []).reduce(0) {
                $0 + ($1["psrd_bytes_client_owned"] as? Int ?? 0) + ($1["psrd_bytes_hub_owned"] as? Int ?? 0)
            }
            let unused = (status["pools"] as? [[String: Any]] ?? []).reduce(0) { $0 + ($1["unused_bytes"] as? Int ?? 0) }
            result[client] = received - unused
        }
        return result
    }

    /// Share messages both clients have sent to the hubs so far, and how many of them were multi
    /// messages (several key requests in one).
    func shareMessages() async throws -> (all: Int, multi: Int) {
        var all = 0, multi = 0
        for client in Self.clients {
            for hub in try await http.json(statusURL(client))["registrations"] as? [[String: Any]] ?? [] {
                all += hub["share_messages"] as? Int ?? 0
                multi += hub["multi_messages"] as? Int ?? 0
            }
        }
        return (all, multi)
    }

    /// CPU seconds (user + system) used so far by the hubs together, the clients together, and
    /// this process (the encryptors' side).
    func cpuSeconds() -> [String: Double] {
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        var result: [String: Double] = ["hubs": 0, "clients": 0]
        for (name, process) in processes {
            guard let text = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8),
                  let close = text.lastIndex(of: ")") else { continue }
            // Fields after "(comm)": state is field 3, utime 14, stime 15.
            let fields = text[text.index(after: close)...].split(separator: " ")
            guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { continue }
            result[Self.hubs.contains(name) ? "hubs" : "clients", default: 0] += (user + system) / ticks
        }
        result["driver"] = BenchSupport.processCPUSeconds()
        return result
    }

    /// VmRSS of every node, in KiB.
    func residentKiB() -> [(String, Int)] {
        processes.compactMap { name, process in
            guard let text = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
                  let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
                  let kib = Int(line.split(separator: " ").dropFirst().first ?? "") else { return nil }
            return (name, kib)
        }
    }
}

/// The encryptors' side: ETSI calls with keep-alive connections.
private struct BenchHTTP: Sendable {
    let carol: String
    let connie: String
    /// The process-wide client: keep-alive pools of 8 connections per host, enough for 8 pairs.
    /// The nodes' own client (keep-alive pool, no tracing): the encryptors are other machines in
    /// a deployment, so their HTTP stack should cost as little of the 2 cores as it can.
    var client: HTTPClient { DSKEHTTPClient.shared }

    struct Timing { let getKey: Double; let getKeyWithIDs: Double }

    /// Get key at carol for sam<i> -> sofia<i>, then Get key with key IDs at connie; checks the
    /// keys match. Milliseconds per call.
    func pair(index: Int, number: Int) async throws -> Timing {
        let clock = ContinuousClock()
        let t0 = clock.now
        let issued = try await call(.GET, "\(carol)/etsi/api/v1/keys/sofia\(index)/enc_keys?number=\(number)",
                                    sae: "sam\(index)")
        let t1 = clock.now
        let ids = issued.map(\.0)
        let received: [(String, String)]
        if number == 1 {
            received = try await call(.GET, "\(connie)/etsi/api/v1/keys/sam\(index)/dec_keys?key_ID=\(ids[0])", sae: "sofia\(index)")
        } else {
            let body = "{\"key_IDs\":[" + ids.map { "{\"key_ID\":\"\($0)\"}" }.joined(separator: ",") + "]}"
            received = try await call(.POST, "\(connie)/etsi/api/v1/keys/sam\(index)/dec_keys", sae: "sofia\(index)", body: body)
        }
        let t2 = clock.now
        // connie answers in request order; another order is compared as a set of pairs.
        guard received.count == issued.count,
              received.elementsEqual(issued, by: ==)
                || Dictionary(uniqueKeysWithValues: received) == Dictionary(uniqueKeysWithValues: issued) else {
            throw ValidationError("keys differ between carol and connie")
        }
        return Timing(getKey: (t1 - t0) / .milliseconds(1), getKeyWithIDs: (t2 - t1) / .milliseconds(1))
    }

    private func call(_ method: HTTPMethod, _ url: String, sae: String, body: String? = nil) async throws -> [(String, String)] {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Authorization", value: sae)
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await client.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 16 << 20)
        guard response.status == .ok else {
            throw ValidationError("\(method) \(url): HTTP \(response.status.code) \(String(buffer: bytes))")
        }
        guard let keys = BenchSupport.keyPairs(fromContainer: bytes.readableBytesView) else {
            throw ValidationError("\(url): not a key container")
        }
        return keys
    }

    func json(_ url: String) async throws -> [String: Any] {
        let response = try await client.execute(HTTPClientRequest(url: url), timeout: .seconds(2))
        let bytes = try await response.body.collect(upTo: 16 << 20)
        guard response.status == .ok,
              let object = try JSONSerialization.jsonObject(with: Data(bytes.readableBytesView)) as? [String: Any] else {
            throw ValidationError("\(url): HTTP \(response.status.code)")
        }
        return object
    }
}
