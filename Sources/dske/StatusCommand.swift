import ArgumentParser
import DSKEConfig
import DSKECore
import Foundation

/// `dske status`: one row per node, from each node's management status.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show each node's state, pools, registrations, pending shares and counters.",
        discussion: """
            Asks every selected node for GET /ROLE/NAME/mgmt/v1/status and prints a table, or \
            with --json an array with one object per node: role, name, port, tls_port and \
            skip_port (a client's ETSI 014 HTTPS port and Cisco SKIP port from the configuration, \
            or null), pid (from the pid file, or null), running, and status (the node's own \
            status object, or null when it did not answer). In courier mode the table is followed by one 'warning:' line per \
            pool running low, naming the pair that needs a new bundle. Exits with status 4 when \
            a selected node is not running.
            """
    )

    @Option(name: .long, help: ArgumentHelp("Show only this node (hub or client name).", valueName: "name"))
    var node: String?

    @Flag(name: .long, help: "Print JSON instead of a table.")
    var json = false

    @OptionGroup var options: ConfigOptions

    struct Row: Sendable {
        let node: Topology.Node
        let pid: pid_t?
        let reply: HTTPReply?
        /// A client's key delivery over mutual TLS (`tls.port`) and Cisco SKIP (`tls.skip_port`)
        /// ports, as configured; nil when it serves none. Known even when the node is down.
        var tlsPort: Int? = nil
        var skipPort: Int? = nil
        var running: Bool { reply?.status == 200 }
    }

    func run() async throws {
        try await reportingErrors { () async throws(CLIError) in
            // The configuration itself, not only the topology: the TLS and SKIP ports are in it.
            let configuration = try Topology.loadConfiguration(path: options.absolutePath)
            let topology = Topology(configuration: configuration, path: options.absolutePath)
            let nodes = try topology.selected(node)
            let rows = await Self.collect(nodes, files: RunFiles(directory: topology.runDirectory), configuration: configuration)
            print(json ? Self.json(rows) : Self.table(rows))
            let down = rows.filter { !$0.running }.map(\.node.name)
            if !down.isEmpty {
                throw CLIError(.notRunning, "not running: " + down.joined(separator: ", "))
            }
        }
    }

    static func collect(_ nodes: [Topology.Node], files: RunFiles, configuration: DSKEConfiguration) async -> [Row] {
        let management = ManagementAPI(http: HTTPCaller())
        return await withTaskGroup(of: (Int, Row).self) { tasks in
            for (index, node) in nodes.enumerated() {
                let tls = node.role == .client ? configuration.client(named: node.name)?.tls : nil
                tasks.addTask {
                    (index, Row(node: node, pid: files.livePID(for: node), reply: await management.status(of: node),
                                tlsPort: tls?.port, skipPort: tls?.skipPort))
                }
            }
            var rows: [(Int, Row)] = []
            for await row in tasks { rows.append(row) }
            return rows.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }

    static func json(_ rows: [Row]) -> String {
        let items = rows.map { row -> String in
            var object = JSONObject()
            object["role"] = .string(row.node.role.rawValue)
            object["name"] = .string(row.node.name)
            object["port"] = .number(JSONNumber(row.node.port))
            object["tls_port"] = row.tlsPort.map { .number(JSONNumber($0)) } ?? .null
            object["skip_port"] = row.skipPort.map { .number(JSONNumber($0)) } ?? .null
            object["pid"] = row.pid.map { .number(JSONNumber($0)) } ?? .null
            object["running"] = .bool(row.running)
            let status: JSONValue = row.running ? ((try? WireCoding.parse(row.reply!.body)) ?? .null) : .null
            object["status"] = status
            return "  " + JSONValue.object(object).description
        }
        return "[\n" + items.joined(separator: ",\n") + "\n]"
    }

    static func table(_ rows: [Row]) -> String {
        var lines: [[String]] = [["ROLE", "NAME", "PORT", "TLS", "SKIP", "PID", "STATE", "REGISTRATIONS", "POOLS", "SHARES", "COUNTERS"]]
        for row in rows {
            let node = [row.node.role.rawValue, row.node.name, String(row.node.port),
                        row.tlsPort.map(String.init) ?? "-", row.skipPort.map(String.init) ?? "-", row.pid.map(String.init) ?? "-"]
            guard row.running, let reply = row.reply, let status = NodeStatus(reply.body) else {
                let state = row.reply.map { "HTTP \($0.status)" } ?? "down"
                lines.append(node + [state, "", "", "", ""])
                continue
            }
            lines.append(node + ["running", status.registrationsCell, status.poolsCell(role: row.node.role),
                                 status.pendingSharesCell, status.countersCell])
        }
        let widths = (0..<lines[0].count).map { column in lines.map { $0[column].count }.max() ?? 0 }
        let table = lines.map { cells in
            zip(cells, widths).enumerated().map { index, pair in
                index == cells.count - 1 ? pair.0 : pair.0.padding(toLength: pair.1, withPad: " ", startingAt: 0)
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n")
        return table + warnings(rows).map { "\nwarning: " + $0 }.joined()
    }

    /// Low-pool warnings (courier mode), each pair once although both of its nodes report it.
    static func warnings(_ rows: [Row]) -> [String] {
        var seen = Set<String>()
        var result: [String] = []
        for row in rows where row.running {
            guard let body = row.reply?.body, let status = NodeStatus(body) else { continue }
            // "carol↔hank: client-owned": the pair and pool, whichever side counted the bytes.
            for message in status.poolWarnings where seen.insert(message.components(separatedBy: " pool ")[0]).inserted {
                result.append(message)
            }
        }
        return result
    }
}
