import Foundation

/// Starts and stops the nodes of a topology as separate processes of this same executable
/// (`dske node ROLE NAME --config PATH`), with a log and a pid file per node in the run directory.
struct NodeSupervisor: Sendable {
    let topology: Topology
    let files: RunFiles
    let management: ManagementAPI
    let executable: String

    init(topology: Topology, http: HTTPCaller = HTTPCaller(), executable: String = ProcessControl.currentExecutable()) {
        self.topology = topology
        self.files = RunFiles(directory: topology.runDirectory)
        self.management = ManagementAPI(http: http)
        self.executable = executable
    }

    enum StartOutcome: Sendable {
        case started(pid: pid_t)
        case alreadyRunning(pid: pid_t?)
    }

    enum StopOutcome: Sendable {
        /// How it ended: "stopped" (asked over the management API), "terminated" (SIGTERM),
        /// "killed" (SIGKILL).
        case stopped(pid: pid_t?, how: String)
        case notRunning
        case failed(String)
    }

    /// Starts every node of `nodes` that is not running yet and waits until all of them answer
    /// their management status and are ready. If one fails to come up, every node this call
    /// started is stopped again (no half-started topology, no orphans) and the error names the
    /// node and quotes the end of its log.
    func start(
        _ nodes: [Topology.Node], timeout: Duration, detach: Bool,
        progress: @Sendable (String) -> Void = { _ in },
        warn: @Sendable (String) -> Void = { printNote("dske: warning: \($0)") }
    ) async throws(CLIError) -> [(Topology.Node, StartOutcome)] {
        try files.createDirectory()
        var outcomes: [(Topology.Node, StartOutcome)] = []
        var toSpawn: [Topology.Node] = []
        // Check every node before starting any, so that a taken port fails the command cleanly.
        for node in nodes {
            if let pid = files.livePID(for: node) {
                outcomes.append((node, .alreadyRunning(pid: pid)))
            } else if !ProcessControl.portIsFree(host: node.host, port: node.port) {
                if await management.status(of: node) != nil {
                    // Started by hand (no pid file): it is there, leave it be.
                    outcomes.append((node, .alreadyRunning(pid: nil)))
                } else {
                    throw CLIError(.failure, "cannot start \(node.label): port \(node.port) on \(node.host) is already in use by another process")
                }
            } else {
                toSpawn.append(node)
            }
        }

        var spawned: [(Topology.Node, pid_t)] = []
        for node in toSpawn {
            let arguments = [executable, "node", node.role.rawValue, node.name, "--config", topology.configPath]
            let pid: pid_t
            do {
                pid = try ProcessControl.spawn(arguments, logPath: files.logPath(node), detach: detach)
                try files.writePID(pid, for: node)
            } catch {
                await abort(spawned)
                throw error
            }
            progress("starting \(node.label) on port \(node.port) (pid \(pid))")
            spawned.append((node, pid))
            outcomes.append((node, .started(pid: pid)))
        }

        let deadline = ContinuousClock.now + timeout
        do {
            try await waitUntilReady(nodes, spawned: Dictionary(uniqueKeysWithValues: spawned.map { ($0.0, $0.1) }), timeout: timeout)
        } catch {
            await abort(spawned)
            throw error
        }
        let restartedHubs = spawned.map(\.0).filter { $0.role == .hub }
        if !restartedHubs.isEmpty {
            let late = await waitUntilClientsSee(restartedHubs, deadline: deadline)
            if !late.isEmpty { warn("not yet seen as up by every running client: " + late.joined(separator: ", ")) }
        }
        return outcomes
    }

    /// After hubs (re)start, waits until every running client reports them registered and
    /// reachable, so that a key request right after `dske start --node HUB` can use them (a
    /// client notices a hub coming back on its next probe). Returns the hubs still unseen at the
    /// deadline; clients that are down or do not report per-hub state are not waited for.
    private func waitUntilClientsSee(_ hubs: [Topology.Node], deadline: ContinuousClock.Instant) async -> [String] {
        let names = Set(hubs.map(\.name))
        while true {
            var unseen = Set<String>()
            for client in topology.clients {
                guard let reply = await management.status(of: client, timeout: .seconds(1)), reply.status == 200,
                      let status = NodeStatus(reply.body) else { continue }
                unseen.formUnion(status.hubsNotUsable().intersection(names))
            }
            if unseen.isEmpty || ContinuousClock.now >= deadline { return unseen.sorted() }
            try? await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Polls every node's status until all answer 200 and report themselves ready.
    private func waitUntilReady(_ nodes: [Topology.Node], spawned: [Topology.Node: pid_t], timeout: Duration) async throws(CLIError) {
        let deadline = ContinuousClock.now + timeout
        var pending = nodes
        while !pending.isEmpty {
            var stillPending: [Topology.Node] = []
            for node in pending {
                if let pid = spawned[node], let status = ProcessControl.exitStatus(ofChild: pid) {
                    throw startFailure(node, "exited during start-up (\(status))")
                }
                if let reply = await management.status(of: node, timeout: .seconds(1)),
                   reply.status == 200, NodeStatus.isReady(reply.body, role: node.role) {
                    continue
                }
                stillPending.append(node)
            }
            pending = stillPending
            if pending.isEmpty { break }
            if ContinuousClock.now >= deadline {
                let node = pending[0]
                throw startFailure(node, "not ready after \(timeout.components.seconds) s")
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
    }

    private func startFailure(_ node: Topology.Node, _ what: String) -> CLIError {
        let log = files.logPath(node)
        let tail = ProcessControl.tail(of: log, lines: 3)
        let quoted = tail.isEmpty ? "its log is empty" : "its log ends: " + tail.joined(separator: " | ")
        return CLIError(.failure, "\(node.label) \(what); \(quoted) (\(log))")
    }

    /// Kills what a failed start began; these are our own children, so they are reaped too.
    private func abort(_ spawned: [(Topology.Node, pid_t)]) async {
        for (_, pid) in spawned { ProcessControl.send(SIGTERM, to: pid) }
        for (node, pid) in spawned {
            if !(await ProcessControl.waitForExit(pid, timeout: .seconds(5))) {
                ProcessControl.send(SIGKILL, to: pid)
                _ = await ProcessControl.waitForExit(pid, timeout: .seconds(5))
            }
            files.removePID(for: node)
        }
    }

    /// Stops `nodes`, clients before hubs: first over the management API, then SIGTERM after
    /// `timeout`, then SIGKILL. Returns one outcome per node in the order given.
    func stop(_ nodes: [Topology.Node], timeout: Duration) async -> [(Topology.Node, StopOutcome)] {
        var results: [Topology.Node: StopOutcome] = [:]
        for role in [Topology.Role.client, .hub] {
            let group = nodes.filter { $0.role == role }
            await withTaskGroup(of: (Topology.Node, StopOutcome).self) { tasks in
                for node in group {
                    tasks.addTask { (node, await self.stop(node, timeout: timeout)) }
                }
                for await (node, outcome) in tasks { results[node] = outcome }
            }
        }
        return nodes.map { ($0, results[$0] ?? .notRunning) }
    }

    private func stop(_ node: Topology.Node, timeout: Duration) async -> StopOutcome {
        let pid = files.livePID(for: node)
        let asked = await management.stop(node)
        guard let pid else {
            guard asked else { return .notRunning }
            // Started by hand: all we can do is wait for it to stop answering.
            let deadline = ContinuousClock.now + timeout
            while ContinuousClock.now < deadline {
                if await management.status(of: node, timeout: .milliseconds(500)) == nil {
                    return .stopped(pid: nil, how: "stopped")
                }
                try? await Task.sleep(for: .milliseconds(100))
            }
            return .failed("\(node.label) (no pid file) still answers after being asked to stop")
        }
        defer { files.removePID(for: node) }
        if await ProcessControl.waitForExit(pid, timeout: asked ? timeout : .zero) {
            return .stopped(pid: pid, how: "stopped")
        }
        ProcessControl.send(SIGTERM, to: pid)
        if await ProcessControl.waitForExit(pid, timeout: timeout) {
            return .stopped(pid: pid, how: "terminated")
        }
        ProcessControl.send(SIGKILL, to: pid)
        if await ProcessControl.waitForExit(pid, timeout: .seconds(5)) {
            return .stopped(pid: pid, how: "killed")
        }
        return .failed("\(node.label) (pid \(pid)) survived SIGKILL")
    }
}
