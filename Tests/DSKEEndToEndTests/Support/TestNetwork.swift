import Foundation
import Testing

/// One test's DSKE network: a scratch directory with its own dske-config.yaml, run and data
/// directories and port range, started and stopped through the `dske` executable. `with` tears
/// it down (stop, then SIGKILL of anything left) whether the test passes, fails or throws.
final class TestNetwork: Sendable {
    let spec: NetworkSpec
    let directory: String
    let configPath: String
    let basePort: Int

    private init(spec: NetworkSpec, directory: String, basePort: Int) {
        self.spec = spec
        self.directory = directory
        self.configPath = "\(directory)/dske-config.yaml"
        self.basePort = basePort
    }

    static func with<T>(_ spec: NetworkSpec = NetworkSpec(), start: Bool = true,
                        _ body: (TestNetwork) async throws -> T) async throws -> T {
        // Ten processes per network on a small machine: a few networks at a time, or the nodes'
        // own timeouts (a one-second hub probe) start to fire under load.
        await NetworkSlots.shared.acquire()
        do {
            let result = try await run(spec, start: start, body)
            await NetworkSlots.shared.release()
            return result
        } catch {
            await NetworkSlots.shared.release()
            throw error
        }
    }

    private static func run<T>(_ spec: NetworkSpec, start: Bool,
                               _ body: (TestNetwork) async throws -> T) async throws -> T {
        let network = try await create(spec)
        do {
            if start { try await network.start() }
            let result = try await body(network)
            await network.teardown(removeDirectory: true)
            return result
        } catch {
            await network.teardown(removeDirectory: false)
            throw error
        }
    }

    static func create(_ spec: NetworkSpec) async throws -> TestNetwork {
        let basePort = await PortAllocator.shared.range(count: spec.portOrder.count + 10)
        let directory = try makeScratchDirectory("dske-e2e")
        let network = TestNetwork(spec: spec, directory: directory, basePort: basePort)
        try spec.yaml(basePort: basePort, directory: directory)
            .write(toFile: network.configPath, atomically: true, encoding: .utf8)
        return network
    }

    // MARK: Layout

    func port(_ name: String) -> Int {
        guard let index = spec.portOrder.firstIndex(of: name) else { preconditionFailure("no node \(name)") }
        return basePort + index
    }

    /// A port of this test's range that no node uses (for reference processes, probes).
    func sparePort(_ index: Int) -> Int { basePort + spec.portOrder.count + index }

    func isHub(_ name: String) -> Bool { spec.hubs.contains(name) }

    func baseURL(_ name: String) -> String {
        "http://127.0.0.1:\(port(name))/\(isHub(name) ? "hub" : "client")/\(name)"
    }

    func origin(_ name: String) -> String { "http://127.0.0.1:\(port(name))" }

    func kme(of sae: String) -> String {
        guard let client = spec.clients.first(where: { $0.encryptors.contains(sae) }) else {
            preconditionFailure("no encryptor \(sae)")
        }
        return client.name
    }

    var runDirectory: String { "\(directory)/run" }
    var encryptors: [String] { spec.clients.flatMap(\.encryptors) }

    // MARK: The dske command

    func dske(_ arguments: [String], timeout: Duration = .seconds(180)) async throws -> DSKEProcess.Result {
        try await DSKEProcess.run(arguments + ["--config", configPath], timeout: timeout)
    }

    /// `dske start [--node NAME]`, which must succeed.
    func start(node: String? = nil) async throws {
        let result = try await dske(["start"] + (node.map { ["--node", $0] } ?? []))
        guard result.status == 0 else {
            throw NetworkError("dske start\(node.map { " --node \($0)" } ?? "") failed: \(result)")
        }
    }

    func stop(node: String? = nil) async throws {
        let result = try await dske(["stop"] + (node.map { ["--node", $0] } ?? []))
        guard result.status == 0 else {
            throw NetworkError("dske stop\(node.map { " --node \($0)" } ?? "") failed: \(result)")
        }
    }

    func pid(_ name: String) -> pid_t? {
        guard let text = try? String(contentsOfFile: "\(runDirectory)/\(name).pid", encoding: .utf8) else { return nil }
        return pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    func log(_ name: String) -> String {
        (try? String(contentsOfFile: "\(runDirectory)/\(name).log", encoding: .utf8)) ?? ""
    }

    /// SIGKILLs a node (no chance to flush or say goodbye) and waits until it is gone.
    func kill9(_ name: String) async throws {
        guard let pid = pid(name) else { throw NetworkError("no pid file for \(name)") }
        kill(pid, SIGKILL)
        try await waitGone(pid)
    }

    func waitGone(_ pid: pid_t) async throws {
        for _ in 0..<200 {
            if !Self.isAlive(pid) { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw NetworkError("process \(pid) did not go away")
    }

    /// All pids from pid files in the run directory.
    func recordedPIDs() -> [pid_t] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: runDirectory)) ?? []
        return files.filter { $0.hasSuffix(".pid") }.compactMap { file in
            (try? String(contentsOfFile: "\(runDirectory)/\(file)", encoding: .utf8))
                .flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
    }

    /// Extra processes a test started itself (reference nodes), killed at teardown.
    let extraProcesses = ProcessList()

    func teardown(removeDirectory: Bool) async {
        let pids = recordedPIDs()
        _ = try? await dske(["stop", "--timeout", "5"], timeout: .seconds(60))
        for pid in pids + recordedPIDs() where Self.isAlive(pid) { kill(pid, SIGKILL) }
        await extraProcesses.killAll()
        if removeDirectory {
            try? FileManager.default.removeItem(atPath: directory)
        } else {
            print("test network kept for inspection: \(directory)")
        }
    }

    static func isAlive(_ pid: pid_t) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return true }
        let state = stat[stat.index(after: close)...].drop(while: { $0 == " " }).first
        return state != "Z" && state != "X"
    }
}

/// Bounds how many test networks run at once (DSKE_E2E_PARALLEL, default 2).
actor NetworkSlots {
    static let shared = NetworkSlots(limit: Int(ProcessInfo.processInfo.environment["DSKE_E2E_PARALLEL"] ?? "") ?? 2)

    private let limit: Int
    private var inUse = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(limit: Int) { self.limit = max(1, limit) }

    func acquire() async {
        if inUse < limit {
            inUse += 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty {
            inUse -= 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}

struct NetworkError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Processes a test started directly (not through dske start), so teardown can end them.
actor ProcessList {
    private var processes: [Process] = []

    func add(_ process: Process) { processes.append(process) }

    func killAll() async {
        for process in processes where process.isRunning { process.terminate() }
        for process in processes {
            for _ in 0..<50 where process.isRunning { try? await Task.sleep(for: .milliseconds(100)) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        processes.removeAll()
    }
}

func makeScratchDirectory(_ prefix: String) throws -> String {
    let base = ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
    var template = Array("\(base)/\(prefix).XXXXXX".utf8CString)
    guard let pointer = mkdtemp(&template) else { throw NetworkError("mkdtemp failed under \(base)") }
    return String(cString: pointer)
}

extension TestNetwork {
    /// Waits until every running client reports `hub` registered and reachable (a client notices a
    /// hub that comes back on its next probe).
    func waitUntilClientsSee(_ hub: String) async throws {
        try await waitForClients(hub) { $0 }
    }

    /// Waits until every running client reports `hub` unreachable.
    func waitUntilClientsSee(down hub: String) async throws {
        try await waitForClients(hub) { !$0 }
    }

    private func waitForClients(_ hub: String, usable: @escaping (Bool) -> Bool) async throws {
        for _ in 0..<300 {
            var satisfied = true
            for client in spec.clients.map(\.name) {
                // A client whose status cannot be read has not shown the change yet.
                guard let reply = try? await HTTP.get("\(baseURL(client))/mgmt/v1/status"), reply.status == 200,
                      let registrations = reply.object?["registrations"] as? [[String: Any]],
                      let entry = registrations.first(where: { $0["hub_name"] as? String == hub }) else {
                    satisfied = false
                    continue
                }
                let isUsable = (entry["registered"] as? Bool ?? false) && (entry["reachable"] as? Bool ?? false)
                if !usable(isUsable) { satisfied = false }
            }
            if satisfied { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw NetworkError("the clients did not notice hub \(hub)'s change")
    }
}
