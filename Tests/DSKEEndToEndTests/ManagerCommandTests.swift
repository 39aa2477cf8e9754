import Foundation
import Testing

/// `dske start|stop|status` and the command-line contract: help texts, exit codes, one-line
/// errors, pid files, logs, no orphans.
@Suite("manager commands")
struct ManagerCommandTests {
    @Test("start, status (table and JSON), stop: every node runs, then none is left")
    func startStatusStop() async throws {
        try await TestNetwork.with(start: false) { network in
            try await network.start()
            let pids = network.recordedPIDs()
            #expect(pids.count == network.spec.portOrder.count)
            for pid in pids { #expect(TestNetwork.isAlive(pid)) }

            let table = try await network.dske(["status"])
            #expect(table.status == 0, "\(table)")
            for name in network.spec.portOrder {
                #expect(table.stdout.contains(name))
            }
            #expect(!table.stdout.contains("down"))

            let json = try await network.dske(["status", "--json"])
            #expect(json.status == 0, "\(json)")
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
            #expect(rows.count == network.spec.portOrder.count)
            for row in rows {
                let name = try #require(row["name"] as? String)
                #expect(row["running"] as? Bool == true)
                #expect(row["port"] as? Int == network.port(name))
                #expect(row["status"] is [String: Any], "\(name) status should be the node's own object")
            }

            // Starting again leaves the running nodes alone.
            let again = try await network.dske(["start"])
            #expect(again.status == 0)
            #expect(again.stdout.contains("already running"))
            #expect(Set(network.recordedPIDs()) == Set(pids))

            try await network.stop()
            for pid in pids { #expect(!TestNetwork.isAlive(pid), "pid \(pid) survived dske stop") }
            #expect(network.recordedPIDs().isEmpty, "pid files are removed")

            let after = try await network.dske(["status"])
            #expect(after.status == 4, "status exits 4 when nodes are down: \(after)")
            #expect(after.stdout.contains("down"))
        }
    }

    @Test("stop and start one node with --node")
    func singleNode() async throws {
        try await TestNetwork.with { network in
            let pid = try #require(network.pid("helen"))
            try await network.stop(node: "helen")
            #expect(!TestNetwork.isAlive(pid))
            let status = try await network.dske(["status", "--node", "helen", "--json"])
            #expect(status.status == 4)
            // The others are untouched.
            #expect(network.pid("hank").map(TestNetwork.isAlive) == true)
            try await network.start(node: "helen")
            #expect(network.pid("helen").map(TestNetwork.isAlive) == true)
        }
    }

    @Test("a port taken by another process: clear error, exit 1, nothing left running")
    func portTaken() async throws {
        try await TestNetwork.with(start: false) { network in
            let blocker = try PortBlocker(port: network.port("hilary"))
            defer { blocker.close() }
            let result = try await network.dske(["start", "--timeout", "30"])
            #expect(result.status == 1, "\(result)")
            #expect(result.stderr.contains("hilary"))
            #expect(result.stderr.contains("\(network.port("hilary"))"))
            #expect(result.stderr.split(separator: "\n").count == 1, "one line: \(result.stderr)")
            #expect(network.recordedPIDs().isEmpty, "no node was started")
        }
    }

    @Test("a node that dies at start-up: the error quotes its log, the others are stopped")
    func nodeDiesAtStartUp() async throws {
        try await TestNetwork.with(start: false) { network in
            // A data directory that cannot be created makes every node fail at start-up.
            let blocked = "\(network.directory)/data"
            try Data("not a directory".utf8).write(to: URL(fileURLWithPath: blocked))
            let result = try await network.dske(["start", "--timeout", "30"])
            #expect(result.status == 1, "\(result)")
            #expect(result.stderr.contains("exited during start-up"), "\(result.stderr)")
            #expect(result.stderr.contains(".log"))
            #expect(result.stderr.split(separator: "\n").count == 1, "one line: \(result.stderr)")
            try await Task.sleep(for: .milliseconds(200))
            #expect(network.recordedPIDs().isEmpty)
        }
    }

    @Test("unknown node or SAE names, a missing config: exit 2 with one line on stderr")
    func configurationErrors() async throws {
        try await TestNetwork.with(start: false) { network in
            for arguments in [["start", "--node", "nobody"], ["status", "--node", "nobody"],
                              ["get-key", "--master", "mallory", "--slave", "sofia"],
                              ["get-key-pair", "--master", "sam", "--slave", "mallory"],
                              ["node", "hub", "carol"]] {
                let result = try await network.dske(arguments)
                #expect(result.status == 2, "\(arguments): \(result)")
                #expect(result.stderr.hasPrefix("dske: "))
                #expect(result.stderr.split(separator: "\n").count == 1, "\(arguments): \(result.stderr)")
            }
            let missing = try await DSKEProcess.run(["status", "--config", "\(network.directory)/absent.yaml"])
            #expect(missing.status == 2, "\(missing)")
            #expect(missing.stderr.contains("absent.yaml"))
        }
    }

    @Test("every command has help that names its options")
    func helpTexts() async throws {
        let expectations: [(String, [String])] = [
            ("node", ["hub or client", "--config"]),
            ("start", ["--node", "--timeout", "--config", "NAME.log", "NAME.pid"]),
            ("stop", ["--node", "--timeout", "SIGTERM", "SIGKILL"]),
            ("status", ["--node", "--json"]),
            ("get-key", ["--master", "--slave", "--size", "--number"]),
            ("get-key-with-ids", ["--master", "--slave", "<key-id>"]),
            ("get-key-pair", ["--master", "--slave", "--size", "--number"]),
            ("demo", ["--base-port", "--keep", "--http", "psrd-courier", "courier"]),
        ]
        for (command, words) in expectations {
            let result = try await DSKEProcess.run([command, "--help"])
            #expect(result.status == 0)
            for word in words { #expect(result.stdout.contains(word), "dske \(command) --help lacks \(word)") }
        }
        let top = try await DSKEProcess.run(["--help"])
        #expect(top.stdout.contains("EXIT STATUS"))
        let usage = try await DSKEProcess.run(["get-key", "--master", "sam"])
        #expect(usage.status == 64, "usage errors exit 64: \(usage)")
    }

    @Test("dske demo: the courier flow (or --http) on the default network in a scratch directory, one key pair, nothing left behind",
          arguments: [[], ["--http"]])
    func demo(_ mode: [String]) async throws {
        let base = await PortAllocator.shared.range(count: 10)
        let scratch = try makeScratchDirectory("dske-e2e-demo")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        await NetworkSlots.shared.acquire()
        let result: DSKEProcess.Result
        do {
            result = try await DSKEProcess.run(["demo", "--base-port", String(base)] + mode, timeout: .seconds(300),
                                               environment: ["TMPDIR": scratch])
            await NetworkSlots.shared.release()
        } catch {
            await NetworkSlots.shared.release()
            throw error
        }
        #expect(result.status == 0, "\(result)")
        let keyLines = result.stdout.split(separator: "\n").filter { line in
            let parts = line.split(separator: " ")
            return parts.count == 2 && UUID(uuidString: String(parts[0])) != nil && Data(base64Encoded: String(parts[1])) != nil
        }
        #expect(keyLines.count == 1, "\(result.stdout)")
        #expect(result.stderr.contains("match"))
        if mode.isEmpty {
            // Every step of the courier flow said what it did, and the medium was one line's choice.
            for step in ["USB medium: ", "psrd-courier enrol --hub hank --client carol", "psrd-courier issue --hub hank",
                         "psrd-courier import --from", "carol: enrolled at 5 hubs", "curtis: enrolled at 5 hubs",
                         "5 copies each imported", "in courier mode"] {
                #expect(result.stdout.contains(step), "\(step): \(result.stdout)")
            }
            #expect(result.stdout.components(separatedBy: "USB medium: ").count == 2, "\(result.stdout)")
        } else {
            #expect(!result.stdout.contains("psrd-courier"), "\(result.stdout)")
        }
        // Nothing of it is still mounted (the loop-mounted medium lived in the scratch directory).
        let mounts = (try? String(contentsOfFile: "/proc/mounts", encoding: .utf8)) ?? ""
        #expect(!mounts.contains(scratch), "\(mounts)")
        // The scratch directory is gone and no node listens on the demo's ports.
        #expect((try FileManager.default.contentsOfDirectory(atPath: scratch)).isEmpty)
        for port in base..<base + 10 { #expect(PortAllocator.isFree(port), "port \(port) still held") }
    }

    @Test("a client started before its hubs becomes ready once they come up")
    func clientBeforeHubs() async throws {
        try await TestNetwork.with(start: false) { network in
            // Hubs are started second: the clients retry registration until the hubs answer.
            async let clients: Void = {
                for client in ["carol", "connie"] { try await network.start(node: client) }
            }()
            try await Task.sleep(for: .seconds(2))
            for hub in network.spec.hubs { try await network.start(node: hub) }
            try await clients
            try await network.keyPair(master: "sam", slave: "sofia")
        }
    }
}

/// Holds a loopback port open, as another program would.
struct PortBlocker {
    let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        // A connection of an earlier test may still linger on the port in TIME_WAIT; a listener
        // may bind over that (as the nodes do), and still keeps any other listener off the port.
        var on: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard bound, listen(fd, 1) == 0 else { throw NetworkError("cannot hold port \(port)") }
    }

    func close() { _ = Glibc.close(fd) }
}
