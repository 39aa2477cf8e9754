import Hummingbird
import Logging

/// The router of one listener of a node: the routes behind `JSONErrorMiddleware`, then
/// `CallerIdentityMiddleware` (certificates on a mutual-TLS listener, the `Authorization` header
/// on a plain one).
public enum NodeRouter {
    public static func make(routes: [Route], certificates: CertificateIdentityMap?, logger: Logger) -> Router<NodeRequestContext> {
        let router = Router(context: NodeRequestContext.self)
        router.add(middleware: JSONErrorMiddleware(routes: RouteTable(routes), logger: logger))
        router.add(middleware: CallerIdentityMiddleware(certificates: certificates))
        for route in routes {
            let handler = route.handler
            router.on(RouterPath(route.path), method: route.method) { request, context in
                try await handler(request, context)
            }
        }
        return router
    }
}
