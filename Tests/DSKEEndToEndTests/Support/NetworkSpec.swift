/// The topology and settings of one test's network, written out as its dske-config.yaml.
struct NetworkSpec: Sendable {
    struct Client: Sendable {
        let name: String
        let encryptors: [String]
    }

    var hubs = ["hank", "helen", "hilary", "holly", "hugo"]
    var clients = [
        Client(name: "carol", encryptors: ["sam"]),
        Client(name: "celia", encryptors: ["serena"]),
        Client(name: "cindy", encryptors: []),
        Client(name: "connie", encryptors: ["sofia"]),
        Client(name: "curtis", encryptors: ["sunny", "susan"]),
    ]
    var minShares = 3
    var authenticator = "hmac-sha256"
    var defaultKeySize = 256
    /// `http` (the reference's simulation) or `courier` (bundles, psrd-courier).
    var outOfBand = "http"
    /// Further top-level YAML lines, for settings a test needs to change.
    var extraSettings: [String] = []

    /// Nodes in port order: hubs, then clients, each sorted by name.
    var portOrder: [String] { hubs.sorted() + clients.map(\.name).sorted() }

    func yaml(basePort: Int, directory: String) -> String {
        var lines = [
            "base_port: \(basePort)",
            "min_nr_shares: \(minShares)",
            "out_of_band: \(outOfBand)",
            "authenticator: \(authenticator)",
            "default_key_size: \(defaultKeySize)",
            "data_directory: \(directory)/data",
            "run_directory: \(directory)/run",
        ]
        lines += extraSettings
        lines.append("hubs:")
        lines += hubs.map { "  - name: \($0)" }
        lines.append("clients:")
        for client in clients {
            lines.append("  - name: \(client.name)")
            if !client.encryptors.isEmpty {
                lines.append("    encryptors:")
                lines += client.encryptors.map { "      - name: \($0)" }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
