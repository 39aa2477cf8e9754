import DSKEConfig
import DSKECore
import DSKEService
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOSSL
import Synchronization

/// The SKIP interface's own listener: SKIP clients expect `/capabilities`, `/key` and `/entropy`
/// at the root of an address of their own, over TLS 1.3. Runs while the client node runs (it is
/// part of the node's background work).
final class SKIPListener: Sendable {
    let interface: SKIPInterface
    let endpoint: SKIPEndpoint
    private let bound = Mutex<Int?>(nil)

    init(interface: SKIPInterface, endpoint: SKIPEndpoint) {
        self.interface = interface
        self.endpoint = endpoint
    }

    var logger: Logger { interface.logger }

    /// The port it listens on, once it does (the configured one, or the one picked for port 0).
    var boundPort: Int? { bound.withLock { $0 } }

    /// Serves until the task is cancelled, then stops gracefully. A listener that cannot start is
    /// logged, not fatal: the node's ETSI interface goes on.
    func run() async {
        var secure: SecureListener?
        if let tls = endpoint.tls {
            do {
                secure = try secureListener(tls)
            } catch {
                logger.error("SKIP not served: \(error)")
                return
            }
        }
        let routes = interface.routes()
        let router = Router(context: NodeRequestContext.self)
        router.add(middleware: JSONErrorMiddleware(routes: RouteTable(routes), logger: logger))
        router.add(middleware: CallerIdentityMiddleware(certificates: secure?.identities))
        for route in routes {
            let handler = route.handler
            router.on(RouterPath(route.path), method: route.method) { request, context in
                try await handler(request, context)
            }
        }
        let host = endpoint.host
        let scheme = secure == nil ? "http" : "https"
        do {
            let app = Application(
                router: router,
                server: try serverBuilder(secure),
                configuration: .init(address: .hostname(host, port: endpoint.port), serverName: nil),
                onServerRunning: { [self] channel in
                    let actual = channel.localAddress?.port ?? 0
                    self.bound.withLock { $0 = actual }
                    self.logger.info("SKIP on \(scheme)://\(host):\(actual)")
                },
                logger: logger)
            // Stopped gracefully when the node's background work is cancelled: cancelling the
            // server itself logs the normal stop as errors (GracefulServiceGroup).
            try await GracefulServiceGroup.run([app], gracePeriod: NodeRuntime.stopGracePeriod, logger: logger)
        } catch {
            logger.error("SKIP listener on \(host):\(endpoint.port) failed: \(error)")
        }
        bound.withLock { $0 = nil }
    }

    /// HTTP/1.1 (over TLS when configured) with `SKIPConnectionClose` on every connection.
    private func serverBuilder(_ secure: SecureListener?) throws -> HTTPServerBuilder {
        let http = HTTP1Channel.Configuration(additionalChannelHandlers: [SKIPConnectionClose()])
        guard let secure else { return .http1(configuration: http) }
        return try .tls(.http1(configuration: http), tlsConfiguration: secure.tlsConfiguration)
    }

    /// The node's mutual-TLS setup, held to TLS 1.3 as the draft requires (its mandatory suite,
    /// TLS_AES_256_GCM_SHA384, is always enabled in TLS 1.3).
    private func secureListener(_ tls: TLSSettings) throws(TLSSetupError) -> SecureListener {
        let base = try SecureListener(host: endpoint.host, settings: tls, identities: endpoint.identities)
        var configuration = base.tlsConfiguration
        configuration.minimumTLSVersion = .tlsv13
        return SecureListener(host: endpoint.host, port: endpoint.port, tlsConfiguration: configuration, identities: base.identities)
    }
}
