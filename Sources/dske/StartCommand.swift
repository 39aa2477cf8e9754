import ArgumentParser

/// `dske start`: starts the topology (or one node) in the background and waits until it is ready.
struct StartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start",
        abstract: "Start every node of the network (or one) in the background.",
        discussion: """
            Starts each node as `dske node ROLE NAME --config PATH` in its own session, hubs \
            first. A node's stdout and stderr are appended to RUN/NAME.log and its process ID is \
            written to RUN/NAME.pid, where RUN is the configured run directory. Nodes that are \
            already running are left alone. Returns once every selected node answers its \
            management status and reports itself ready; if one does not (its port is taken, it \
            exits, or --timeout passes), the nodes this command started are stopped again and \
            the error quotes the end of the failing node's log.
            """
    )

    @Option(name: .long, help: ArgumentHelp("Start only this node (hub or client name).", valueName: "name"))
    var node: String?

    @Option(name: .long, help: ArgumentHelp("Seconds to wait for the nodes to be ready.", valueName: "seconds"))
    var timeout: Int = 60

    @OptionGroup var options: ConfigOptions

    func run() async throws {
        try await reportingErrors { () async throws(CLIError) in
            let topology = try options.loadTopology()
            let nodes = try topology.selected(node)
            let supervisor = NodeSupervisor(topology: topology)
            let outcomes = try await supervisor.start(nodes, timeout: .seconds(timeout), detach: true)
            for (node, outcome) in outcomes {
                switch outcome {
                case .started(let pid):
                    print("\(node.label): started on port \(node.port) (pid \(pid))")
                case .alreadyRunning(let pid):
                    print("\(node.label): already running on port \(node.port)" + (pid.map { " (pid \($0))" } ?? ""))
                }
            }
        }
    }
}
