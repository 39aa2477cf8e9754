import Hummingbird
import NIOCore

/// The request context of every DSKE node route: Hummingbird's basics plus the remote address,
/// which keys the failure limiter, and the caller's identity on key delivery interfaces.
public struct NodeRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    /// The connection, for its TLS session (peer certificate).
    public let channel: any Channel
    /// Set by `CallerIdentityMiddleware` before any handler runs.
    public var callerIdentity: CallerIdentity = .claimed(nil)

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
        channel = source.channel
    }

    /// The remote IP address as text ("" when unknown).
    public var remoteHost: String { remoteAddress?.ipAddress ?? "" }
}
