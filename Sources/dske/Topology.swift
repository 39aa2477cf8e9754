import ArgumentParser

/// What the manager needs to know of a configured network: every node's role, name, address and
/// encryptors, and where run files go. Built from the loaded DSKEConfiguration (see
/// Topology+Configuration.swift) so that the commands do not depend on the config's layout.
struct Topology: Sendable {
    enum Role: String, Sendable, CaseIterable, ExpressibleByArgument {
        case hub, client
    }

    struct Node: Sendable, Hashable {
        let role: Role
        let name: String
        let host: String
        let port: Int
        let encryptors: [String]

        /// "hub hank", for messages.
        var label: String { "\(role.rawValue) \(name)" }
        /// The root of the node's HTTP API, as the reference names it.
        var baseURL: String { "http://\(hostForURL):\(port)/\(role.rawValue)/\(name)" }
        var origin: String { "http://\(hostForURL):\(port)" }
        private var hostForURL: String {
            let connectable = (host == "0.0.0.0" || host.isEmpty) ? "127.0.0.1" : (host == "::" ? "::1" : host)
            return connectable.contains(":") ? "[\(connectable)]" : connectable
        }
    }

    /// Absolute path of the configuration file, handed on to every node the manager starts.
    let configPath: String
    /// Hubs first, then clients: the order in which nodes start (and the reverse of stopping).
    let nodes: [Node]
    let runDirectory: String
    let defaultKeySize: Int

    var hubs: [Node] { nodes.filter { $0.role == .hub } }
    var clients: [Node] { nodes.filter { $0.role == .client } }

    /// The nodes a command acts on: all of them, or the one named by `--node`.
    func selected(_ name: String?) throws(CLIError) -> [Node] {
        guard let name else { return nodes }
        let matching = nodes.filter { $0.name == name }
        guard !matching.isEmpty else {
            throw CLIError(.configuration, "no node named '\(name)' in \(configPath)")
        }
        return matching
    }

    func node(_ role: Role, _ name: String) throws(CLIError) -> Node {
        guard let node = nodes.first(where: { $0.role == role && $0.name == name }) else {
            throw CLIError(.configuration, "no \(role.rawValue) named '\(name)' in \(configPath)")
        }
        return node
    }

    /// The client (KME) an encryptor (SAE) is attached to.
    func kme(serving sae: String) throws(CLIError) -> Node {
        guard let node = clients.first(where: { $0.encryptors.contains(sae) }) else {
            throw CLIError(.configuration, "no encryptor (SAE) named '\(sae)' in \(configPath)")
        }
        return node
    }
}
