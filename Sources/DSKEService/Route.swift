import Hummingbird

/// One endpoint of a node: method, path in Hummingbird's syntax (`:name` or `{name}` for a
/// parameter segment) and handler. Services hand lists of routes to `NodeRuntime`, which installs
/// them behind `JSONErrorMiddleware` and remembers them in a `RouteTable`.
public struct Route: Sendable {
    public typealias Handler = @Sendable (Request, NodeRequestContext) async throws -> Response

    public let method: HTTPRequest.Method
    public let path: String
    public let handler: Handler

    public init(_ method: HTTPRequest.Method, _ path: String, handler: @escaping Handler) {
        self.method = method
        self.path = path
        self.handler = handler
    }
}
