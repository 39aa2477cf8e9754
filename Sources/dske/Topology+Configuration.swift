import DSKEConfig
import Foundation

extension Topology {
    /// Loads and validates the configuration file; every problem is reported on one line.
    static func loadConfiguration(path: String) throws(CLIError) -> DSKEConfiguration {
        do {
            return try DSKEConfiguration.load(path: path)
        } catch {
            // ConfigError lists every issue, one per line; joined so stderr gets one line.
            throw CLIError(.configuration, error.issues.map(\.description).joined(separator: "; "))
        }
    }

    static func load(path: String) throws(CLIError) -> Topology {
        Topology(configuration: try loadConfiguration(path: path), path: path)
    }

    init(configuration: DSKEConfiguration, path: String) {
        self.init(
            configPath: path,
            nodes: configuration.nodes.map { node in
                Node(role: node.role == .hub ? .hub : .client, name: node.name, host: configuration.host,
                     port: node.port, encryptors: node.encryptors)
            },
            runDirectory: configuration.runDirectory,
            defaultKeySize: configuration.defaultKeySize)
    }

    /// The reference topology (hubs hank, helen, hilary, holly, hugo; clients carol/sam,
    /// celia/serena, cindy, connie/sofia, curtis/sunny+susan) with every setting at its default,
    /// its data and run directories inside `scratch`.
    static func writeDemoConfiguration(to path: String, scratch: String, basePort: Int?,
                                       outOfBand: String = "http") throws(CLIError) {
        var lines: [String] = []
        if let basePort { lines.append("base_port: \(basePort)") }
        lines += [
            "out_of_band: \(outOfBand)",
            "data_directory: \(scratch)/data",
            "run_directory: \(scratch)/run",
            "hubs:",
        ]
        lines += ["hank", "helen", "hilary", "holly", "hugo"].map { "  - name: \($0)" }
        lines.append("clients:")
        let clients: [(String, [String])] = [
            ("carol", ["sam"]), ("celia", ["serena"]), ("cindy", []), ("connie", ["sofia"]), ("curtis", ["sunny", "susan"]),
        ]
        for (client, encryptors) in clients {
            lines.append("  - name: \(client)")
            if !encryptors.isEmpty {
                lines.append("    encryptors:")
                lines += encryptors.map { "      - name: \($0)" }
            }
        }
        do {
            try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw CLIError(.failure, "cannot write \(path): \(error.localizedDescription)")
        }
    }
}
