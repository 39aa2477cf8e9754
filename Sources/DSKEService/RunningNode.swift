/// A node serving in the background of this process (tests, benchmarks): where it listens and how
/// to stop it.
public final class RunningNode: Sendable {
    public let host: String
    public let port: Int
    /// `http://host:port/role/name`: the node's base URL as the reference spells it.
    public let baseURL: String
    /// The HTTPS port of the key delivery interface, when the node serves one (mutual TLS).
    public let securePort: Int?
    private let task: Task<Void, any Error>

    init(host: String, port: Int, baseURL: String, task: Task<Void, any Error>, securePort: Int? = nil) {
        self.host = host
        self.port = port
        self.baseURL = baseURL
        self.task = task
        self.securePort = securePort
    }

    /// Stops serving, gracefully (cancelling the task is turned into a graceful shutdown, see
    /// `GracefulServiceGroup`), waits until the server is down and the store closed. Idempotent.
    public func stop() async {
        task.cancel()
        _ = await task.result
    }

    /// Waits until the node stops by itself (e.g. after `POST mgmt/v1/stop`).
    public func waitUntilStopped() async throws {
        try await task.value
    }
}
