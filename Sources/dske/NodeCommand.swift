import ArgumentParser
import DSKEClient
import DSKEHub
import DSKEService

/// `dske node hub|client NAME`: runs one node in the foreground until it is stopped (SIGTERM,
/// SIGINT or `POST .../mgmt/v1/stop`). The manager starts nodes this way; it is also how to run a
/// node under systemd or in a container.
struct NodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "node",
        abstract: "Run one hub or client (KME) in the foreground.",
        discussion: """
            Serves the node's HTTP API on the address the configuration gives it and logs to \
            stderr, one line per event (never PSRD, keys or shares). Stops gracefully on SIGTERM, \
            SIGINT or POST /ROLE/NAME/mgmt/v1/stop. Its pools are kept in the configured data \
            directory, so a restarted node carries on where it stopped.
            """
    )

    @Argument(help: ArgumentHelp("hub or client.", valueName: "role"))
    var role: Topology.Role

    @Argument(help: ArgumentHelp("The node's name in the configuration.", valueName: "name"))
    var name: String

    @OptionGroup var options: ConfigOptions

    func run() async throws {
        NodeProcess.runConcurrencyOnEventLoops()
        try await reportingErrors { () async throws(CLIError) in
            let path = options.absolutePath
            // Checks the name against the topology first, for a configuration error (exit 2).
            _ = try Topology.load(path: path).node(role, name)
            let configuration = try Topology.loadConfiguration(path: path)
            do {
                switch role {
                case .hub: try await HubNode.run(config: configuration, name: name)
                case .client: try await ClientNode.run(config: configuration, name: name)
                }
            } catch {
                throw CLIError.wrapping(error, "\(role.rawValue) \(name)")
            }
        }
    }
}
