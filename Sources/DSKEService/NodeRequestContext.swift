import Hummingbird
import NIOCore

/// The request context of every DSKE node route: Hummingbird's basics plus the remote address,
/// which keys the failure limiter.
public struct NodeRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The remote IP address as text ("" when unknown).
    public var remoteHost: String { remoteAddress?.ipAddress ?? "" }
}
