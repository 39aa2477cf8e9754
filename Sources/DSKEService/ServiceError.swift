import DSKECore
import Hummingbird

/// The errors of the DSKE interface (hub and client routes, management API). Each case maps to
/// exactly one HTTP status in `status`, and every one renders the reference's error body
/// `{"message": str, "details": object|null}`, so a peer never has to parse anything else.
///
/// Messages and details never carry PSRD bytes, keys, shares or MAC keys: they may name fields,
/// peers, key IDs and allocation metadata only.
public enum ServiceError: Error, Sendable, Equatable {
    /// 400: a query parameter, JSON body or field is missing, malformed or of the wrong type.
    case badRequest(String, details: JSONObject? = nil)
    /// 400: the reference's answer for an unknown client name ("Client is not registered.").
    case clientNotRegistered(String)
    /// 401: the request carries no DSKE-Signature header.
    case missingSignature
    /// 401: the DSKE-Signature is malformed, names PSRD that is unknown or used, or does not
    /// authenticate the message (forgery or replay).
    case invalidSignature(String)
    /// 401: the caller is authenticated but not entitled to what it asks for.
    case notAllowed(String, details: JSONObject? = nil)
    /// 404: no route for the path, or an unknown key.
    case notFound(String, details: JSONObject? = nil)
    /// 405: the path exists, the method does not.
    case methodNotAllowed(method: String, path: String)
    /// 409: the request conflicts with state the node already holds (a share posted twice, an
    /// encryptor claimed by another client).
    case conflict(String, details: JSONObject? = nil)
    /// 413: the request body exceeds the limit for its route.
    case payloadTooLarge(limit: Int)
    /// 429: too many failed signature checks from this peer recently.
    case tooManyFailures(peer: String)
    /// 503: the node's PSRD pool cannot cover the request.
    case psrdExhausted(String)
    /// 503: not enough hubs (or other resources) to do the job now.
    case unavailable(String, details: JSONObject? = nil)
    /// 500: a fault of this node (storage failure, bug). Never used for bad input.
    case internalError(String)

    /// The single place where cases become HTTP statuses.
    public var status: HTTPResponse.Status {
        switch self {
        case .badRequest, .clientNotRegistered: .badRequest
        case .missingSignature, .invalidSignature, .notAllowed: .unauthorized
        case .notFound: .notFound
        case .methodNotAllowed: .methodNotAllowed
        case .conflict: .conflict
        case .payloadTooLarge: .contentTooLarge
        case .tooManyFailures: .tooManyRequests
        case .psrdExhausted, .unavailable: .serviceUnavailable
        case .internalError: .internalServerError
        }
    }

    /// The `message` of the error body.
    public var message: String {
        switch self {
        case .badRequest(let message, _): message
        case .clientNotRegistered: "Client is not registered."
        case .missingSignature: "Missing DSKE-Signature header."
        case .invalidSignature: "Invalid signature."
        case .notAllowed(let message, _): message
        case .notFound(let message, _): message
        case .methodNotAllowed: "Method not allowed."
        case .conflict(let message, _): message
        case .payloadTooLarge: "Request body too large."
        case .tooManyFailures: "Too many failed signature checks."
        case .psrdExhausted: "Out of Pre-Shared Random Data (PSRD)."
        case .unavailable(let message, _): message
        case .internalError: "Internal error."
        }
    }

    /// The `details` of the error body, or nil for JSON `null`.
    public var details: JSONObject? {
        switch self {
        case .badRequest(_, let details), .notAllowed(_, let details), .notFound(_, let details),
             .conflict(_, let details), .unavailable(_, let details):
            details
        case .clientNotRegistered(let name): ["client_name": .string(name)]
        case .missingSignature: nil
        case .invalidSignature(let reason): ["reason": .string(reason)]
        case let .methodNotAllowed(method, path): ["method": .string(method), "path": .string(path)]
        case .payloadTooLarge(let limit): ["limit": .number(JSONNumber(limit))]
        case .tooManyFailures(let peer): ["peer": .string(peer)]
        case .psrdExhausted(let reason): ["reason": .string(reason)]
        // The cause of an internal error goes to the log, not to the peer.
        case .internalError: nil
        }
    }

    /// The error body: `{"message": ..., "details": ...}`.
    public var body: ErrorResponse { ErrorResponse(message: message, details: details) }
}

extension ServiceError: CustomStringConvertible {
    /// One line for logs: status, message and details (which never hold secrets).
    public var description: String {
        var text = "\(status.code) \(message)"
        if let details { text += " \(details)" }
        if case .internalError(let cause) = self { text += " (\(cause))" }
        return text
    }
}

extension ServiceError: HTTPResponseError {
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        JSONResponse.make(status: status, body: body)
    }
}

extension ServiceError {
    /// Maps an error of this node's OWN pool (allocating a pad or a MAC key): running dry is 503,
    /// a storage fault is 500.
    public static func fromOwnPool(_ error: PSRDError) -> ServiceError {
        switch error {
        case let .exhausted(requested, available):
            .psrdExhausted("\(requested) bytes needed, \(available) available")
        case .storage(let why):
            .internalError("PSRD store: \(why)")
        default:
            .internalError("PSRD allocation: \(error)")
        }
    }

    /// Maps an error met taking bytes a PEER named in its pool (a pad): the allocation came from
    /// the request, so anything but a storage fault is bad input.
    public static func fromPeerPool(_ error: PSRDError) -> ServiceError {
        switch error {
        case .storage(let why):
            .internalError("PSRD store: \(why)")
        case .tooLarge(let requested, let limit):
            .badRequest("PSRD request of \(requested) bytes exceeds the limit of \(limit) bytes.")
        default:
            .badRequest("Invalid PSRD allocation: \(error)", details: nil)
        }
    }
}
