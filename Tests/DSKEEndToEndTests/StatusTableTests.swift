import DSKEConfig
import Foundation
import Testing
@testable import dske

/// `dske status` shows where each client serves ETSI 014 over mutual TLS and Cisco SKIP, taken
/// from the configuration (so a down node's ports show too), in the table and in --json.
@Suite struct StatusTableTests {
    static let yaml = """
        base_port: 1
        min_nr_shares: 1
        hubs:
          - name: hank
        clients:
          - name: carol
            tls: {certificate: c.crt, private_key: c.key, ca: ca.crt, port: 9443, skip_port: 9543}
            encryptors:
              - name: sam
          - name: celia
            tls: {certificate: c.crt, private_key: c.key, ca: ca.crt, port: 9444}
          - name: cindy
        """

    static func row(_ role: Topology.Role, _ name: String, port: Int, tls: Int? = nil, skip: Int? = nil,
                    running: Bool = true) -> StatusCommand.Row {
        let body = #"{"name":"\#(name)","role":"\#(role.rawValue)","pools":[]}"#
        return StatusCommand.Row(node: Topology.Node(role: role, name: name, host: "127.0.0.1", port: port, encryptors: []),
                                 pid: running ? 42 : nil, reply: running ? HTTPReply(status: 200, body: Data(body.utf8)) : nil,
                                 tlsPort: tls, skipPort: skip)
    }

    static let rows = [
        row(.hub, "hank", port: 8100),
        row(.client, "carol", port: 8105, tls: 9443, skip: 9543),
        row(.client, "celia", port: 8106, tls: 9444),
        row(.client, "connie", port: 8108, tls: 9445, skip: 9545, running: false),
    ]

    @Test func thePortsComeFromTheConfigurationOfEachClient() async throws {
        let directory = NSTemporaryDirectory() + "status-table-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let configuration = try DSKEConfiguration.parse(yaml: Self.yaml, sourceName: "test", baseDirectory: directory,
                                                        checkFiles: false)
        let topology = Topology(configuration: configuration, path: directory + "/dske-config.yaml")
        // Nothing listens on ports 1-4: every node is down, and its configured ports still show.
        let rows = await StatusCommand.collect(topology.nodes, files: RunFiles(directory: directory), configuration: configuration)
        let ports = Dictionary(uniqueKeysWithValues: rows.map { ($0.node.name, [$0.tlsPort, $0.skipPort]) })
        #expect(ports == ["hank": [nil, nil], "carol": [9443, 9543], "celia": [9444, nil], "cindy": [nil, nil]])
        #expect(rows.allSatisfy { !$0.running })
    }

    @Test func theTableHasATLSAndASKIPColumn() throws {
        let lines = StatusCommand.table(Self.rows).split(separator: "\n").map {
            $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        }
        #expect(Array(lines[0].prefix(7)) == ["ROLE", "NAME", "PORT", "TLS", "SKIP", "PID", "STATE"])
        #expect(Array(lines[1].prefix(7)) == ["hub", "hank", "8100", "-", "-", "42", "running"])
        #expect(Array(lines[2].prefix(7)) == ["client", "carol", "8105", "9443", "9543", "42", "running"])
        #expect(Array(lines[3].prefix(7)) == ["client", "celia", "8106", "9444", "-", "42", "running"])
        #expect(lines[4] == ["client", "connie", "8108", "9445", "9545", "-", "down"])
    }

    @Test func theJSONHasTLSAndSKIPPortsOrNull() throws {
        let json = StatusCommand.json(Self.rows)
        let objects = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
        let ports = objects.map { [$0["name"] as? String ?? "?", "\($0["tls_port"] ?? "absent")", "\($0["skip_port"] ?? "absent")"] }
        #expect(ports == [["hank", "<null>", "<null>"], ["carol", "9443", "9543"], ["celia", "9444", "<null>"],
                          ["connie", "9445", "9545"]])
    }
}
