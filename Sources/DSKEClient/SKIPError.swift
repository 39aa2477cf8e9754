import DSKECore
import DSKEService
import Hummingbird

/// The errors of the SKIP interface and their one status mapping: the draft's 400 (malformed
/// request, unknown key ID), 500 and 503; 401 only when the caller cannot be named (simulation
/// mode without a usable `Authorization` header, or a TLS client certificate that maps to no
/// SAE). 404 and 405 come from the router. Body: `{"message": str}`.
enum SKIPError: Error, Sendable, Equatable {
    case badRequest(String)
    case unauthorized(String)
    case unavailable(String)
    /// The cause goes to the log only.
    case internalError(String)

    var status: HTTPResponse.Status {
        switch self {
        case .badRequest: .badRequest
        case .unauthorized: .unauthorized
        case .unavailable: .serviceUnavailable
        case .internalError: .internalServerError
        }
    }

    var response: Response {
        let message = switch self {
        case .badRequest(let text), .unauthorized(let text), .unavailable(let text): text
        case .internalError: "Internal error."
        }
        return JSONResponse.make(status: status, body: ETSIErrorResponse(message: message))
    }

    /// An outcome of the key path shared with ETSI. A key the hubs refuse this caller is
    /// reported like an unknown one: SKIP knows no other answer, and it tells nothing away.
    init(_ error: ETSIError) {
        switch error {
        case .badRequest(let message, _) where message == ETSIErrorResponse.keysNotFound:
            self = .badRequest("keyId is not known for this pair of systems (never made, already delivered, or expired).")
        case .badRequest(let message, _): self = .badRequest(message)
        case .unauthorized: self = .badRequest("keyId is not known for this pair of systems (never made, already delivered, or expired).")
        case .unavailable(let message, _): self = .unavailable(message)
        case .internalError(let cause): self = .internalError(cause)
        }
    }
}

extension SKIPError: CustomStringConvertible {
    var description: String {
        switch self {
        case .internalError(let cause): "500 internal error (\(cause))"
        case .badRequest(let text), .unauthorized(let text), .unavailable(let text): "\(status.code) \(text)"
        }
    }
}
