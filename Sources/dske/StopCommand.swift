import ArgumentParser

/// `dske stop`: stops the topology (or one node) and leaves no process behind.
struct StopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop",
        abstract: "Stop every node of the network (or one).",
        discussion: """
            Clients are stopped before hubs. Each node is first asked to stop over \
            POST /ROLE/NAME/mgmt/v1/stop; if its process (from RUN/NAME.pid) has not exited \
            after --timeout seconds it gets SIGTERM, and after as long again SIGKILL. Pid files \
            are removed. Stopping a node that is not running is not an error.
            """
    )

    @Option(name: .long, help: ArgumentHelp("Stop only this node (hub or client name).", valueName: "name"))
    var node: String?

    @Option(name: .long, help: ArgumentHelp("Seconds to wait before escalating to SIGTERM, then SIGKILL.", valueName: "seconds"))
    var timeout: Int = 10

    @OptionGroup var options: ConfigOptions

    func run() async throws {
        try await reportingErrors { () async throws(CLIError) in
            let topology = try options.loadTopology()
            let nodes = try topology.selected(node)
            let outcomes = await NodeSupervisor(topology: topology).stop(nodes, timeout: .seconds(timeout))
            var failures: [String] = []
            for (node, outcome) in outcomes {
                switch outcome {
                case .stopped(let pid, let how):
                    print("\(node.label): \(how)" + (pid.map { " (pid \($0))" } ?? ""))
                case .notRunning:
                    print("\(node.label): not running")
                case .failed(let message):
                    failures.append(message)
                }
            }
            if !failures.isEmpty { throw CLIError(.failure, failures.joined(separator: "; ")) }
        }
    }
}
