/// One hub or client of the topology, with everything derived from the file: its port (from the
/// reference's port plan), its base URL and its data directory.
public struct NodeConfiguration: Sendable, Hashable {
    public let name: String
    public let role: NodeRole
    public let port: Int
    /// `http://HOST:PORT/hub/NAME` or `http://HOST:PORT/client/NAME`.
    public let baseURL: String
    /// `<data_directory>/<name>`, absolute.
    public let dataDirectory: String
    /// The encryptors (SAE IDs) a client serves, in file order; empty for hubs.
    public let encryptors: [String]

    public init(name: String, role: NodeRole, port: Int, baseURL: String, dataDirectory: String, encryptors: [String]) {
        self.name = name
        self.role = role
        self.port = port
        self.baseURL = baseURL
        self.dataDirectory = dataDirectory
        self.encryptors = encryptors
    }
}
