/// Why a request to a peer node produced no usable answer. HTTP error statuses are not errors
/// here: they come back in `PeerResponse` for the caller to judge.
public enum PeerConnectionError: Error, Sendable, Equatable {
    /// The URL could not be built from the base URL and path.
    case invalidURL(String)
    /// Connecting, sending or receiving failed (connection refused, reset, DNS...).
    case transport(String)
    /// No complete answer within the deadline.
    case timeout
    /// The answer body exceeded the caller's limit.
    case responseTooLarge(limit: Int)
    /// A 200 answer to a signed request carried no DSKE-Signature.
    case missingResponseSignature
    /// A 200 answer's DSKE-Signature did not verify (its MAC key was not consumed).
    case invalidResponseSignature(String)
    /// The request could not be signed (this node's own pool with the peer is dry, or its store
    /// failed).
    case signing(ServiceError)
}

extension PeerConnectionError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .invalidURL(let url): "invalid URL \(url)"
        case .transport(let why): "transport failure: \(why)"
        case .timeout: "timed out"
        case .responseTooLarge(let limit): "response body exceeds \(limit) bytes"
        case .missingResponseSignature: "response carries no DSKE-Signature"
        case .invalidResponseSignature(let why): "response signature invalid: \(why)"
        case .signing(let error): "could not sign the request: \(error)"
        }
    }
}
