import DSKECore
import Hummingbird
import Logging
import NIOCore

/// Turns every error that escapes a route into the reference's JSON error body. Hummingbird's own
/// errors (no route, body too large, its decoders) otherwise answer plain text or an empty body,
/// and any other error a bare 500; a request must never be able to produce a 500, so everything
/// that is not a fault of this node maps to a 4xx here.
///
/// Hummingbird answers 404 for a known path with an unknown method; `knownPaths` lets this
/// middleware turn those into 405 with an Allow header.
public struct JSONErrorMiddleware: RouterMiddleware {
    public typealias Context = NodeRequestContext

    private let routes: RouteTable
    private let logger: Logger

    public init(routes: RouteTable, logger: Logger) {
        self.routes = routes
        self.logger = logger
    }

    public func handle(_ request: Request, context: Context,
                       next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let serviceError = classify(error, request: request)
            if case .internalError = serviceError {
                logger.error("\(request.method) \(request.uri.path): \(serviceError)")
            } else {
                logger.info("\(request.method) \(request.uri.path): \(serviceError)")
            }
            var response = JSONResponse.make(status: serviceError.status, body: serviceError.body)
            if case .methodNotAllowed = serviceError {
                response.headers[.allow] = routes.methods(for: request.uri.path).map(\.rawValue).joined(separator: ", ")
            }
            return response
        }
    }

    private func classify(_ error: any Error, request: Request) -> ServiceError {
        switch error {
        case let error as ServiceError:
            return error
        case let error as HTTPError:
            return fromStatus(error.status, request: request)
        case is NIOTooManyBytesError:
            return .payloadTooLarge(limit: routes.bodyLimit)
        case let error as WireError:
            if case .tooLarge(_, let limit) = error { return .payloadTooLarge(limit: limit) }
            return .badRequest("Invalid request body: \(error)")
        case let error as PSRDError:
            return ServiceError.fromPeerPool(error)
        case is DecodingError:
            // Foundation's messages can quote input; the field path is enough for the peer.
            return .badRequest("Invalid request body.")
        case let error as any HTTPResponseError:
            return fromStatus(error.status, request: request)
        default:
            return .internalError(String(describing: type(of: error)))
        }
    }

    private func fromStatus(_ status: HTTPResponse.Status, request: Request) -> ServiceError {
        switch status.code {
        case 404:
            if !routes.methods(for: request.uri.path).isEmpty {
                return .methodNotAllowed(method: request.method.rawValue, path: request.uri.path)
            }
            return .notFound("Not found.", details: ["path": .string(String(request.uri.path.prefix(200)))])
        case 405:
            return .methodNotAllowed(method: request.method.rawValue, path: request.uri.path)
        case 413:
            return .payloadTooLarge(limit: routes.bodyLimit)
        case 400..<500:
            return .badRequest(status.reasonPhrase)
        default:
            return .internalError("HTTP \(status.code)")
        }
    }
}
