import AsyncHTTPClient
import NIOCore

/// The one HTTP client of a node process: a keep-alive connection pool per peer, shared by every
/// `PeerConnection`, so a key request reuses warm connections instead of paying a TCP handshake
/// per share.
public enum DSKEHTTPClient {
    /// Lives for the whole process and is never shut down (a global is never deinitialised).
    public static let shared: HTTPClient = {
        var pool = HTTPClient.Configuration.ConnectionPool(idleTimeout: .seconds(60),
                                                           concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        pool.retryConnectionEstablishment = true
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(2), read: .seconds(30)),
            connectionPool: pool,
            decompression: .disabled)
        configuration.httpVersion = .http1Only
        // Without this AsyncHTTPClient takes the process's default tracer, a no-op one, and still
        // builds each request's span attributes (parsing its URL twice): 3% of a client's CPU.
        configuration.tracing.tracer = nil
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()
}
