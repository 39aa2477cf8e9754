import DSKECore
import DSKEService
import Hummingbird

/// The errors of the ETSI GS QKD 014 interface, with its own body
/// (`{"message": str, "details"?: [object]}`) and the statuses the standard allows. Every status
/// decision of the interface is made in `status`; `init(_: KeyRelayError)` is the one place where
/// hub outcomes become ETSI answers.
public enum ETSIError: Error, Sendable, Equatable {
    /// 400: a malformed or unsatisfiable request (the standard fixes some of the messages).
    case badRequest(String, details: [JSONObject]? = nil)
    /// 401: the caller is not an SAE of this KME, or not the slave the key was made for.
    case unauthorized(String, details: [JSONObject]? = nil)
    /// 503: not enough hubs (or PSRD) to serve the request now.
    case unavailable(String, details: [JSONObject]? = nil)
    /// 500: a fault of this KME; the cause goes to the log only.
    case internalError(String)

    public var status: HTTPResponse.Status {
        switch self {
        case .badRequest: .badRequest
        case .unauthorized: .unauthorized
        case .unavailable: .serviceUnavailable
        case .internalError: .internalServerError
        }
    }

    public var body: ETSIErrorResponse {
        switch self {
        case let .badRequest(message, details), let .unauthorized(message, details), let .unavailable(message, details):
            ETSIErrorResponse(message: message, details: details)
        case .internalError:
            ETSIErrorResponse(message: "Internal error.")
        }
    }

    public var response: Response { JSONResponse.make(status: status, body: body) }

    init(_ error: KeyRelayError) {
        switch error {
        case let .notEnoughHubs(needed, succeeded, causes):
            self = .unavailable("Not enough hubs available: \(succeeded) of the \(needed) needed.",
                                details: causes.map { ["cause": .string($0)] })
        case .keysNotFound(let ids):
            self = .badRequest(ETSIErrorResponse.keysNotFound,
                               details: ids.prefix(16).map { ["key_ID": .string($0.lowercased)] })
        case .notAllowed(let why):
            self = .unauthorized("The calling SAE is not the slave SAE of these keys.", details: [["reason": .string(why)]])
        case let .inconsistentShares(id, why):
            self = .unavailable("The key could not be rebuilt: the hubs' shares are inconsistent.",
                                details: [["key_ID": .string(id.lowercased), "reason": .string(why)]])
        case .internalError(let why):
            self = .internalError(why)
        }
    }
}

extension ETSIError: HTTPResponseError {
    public func response(from request: Request, context: some RequestContext) throws -> Response { response }
}

extension ETSIError: CustomStringConvertible {
    public var description: String {
        if case .internalError(let cause) = self { return "500 internal error (\(cause))" }
        return "\(status.code) \(body.message)"
    }
}
