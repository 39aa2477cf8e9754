/// Who called a key delivery interface (ETSI 014, SKIP), as the listener established it before
/// the handler runs (`CallerIdentityMiddleware`). Handlers read `NodeRequestContext.callerIdentity`
/// and never look at certificates or the `Authorization` header themselves.
public enum CallerIdentity: Sendable, Hashable {
    /// Plain HTTP, simulation mode: the SAE ID the `Authorization` header claims (nil without
    /// the header). It authenticates nothing.
    case claimed(String?)
    /// Mutual TLS: the SAE named by the client certificate the handshake verified.
    case certified(sae: String)
    /// Mutual TLS, but the caller cannot be named: why, as the message of a 401.
    case refused(String)

    /// The SAE ID, or the reason it is not known. `single` is the SAE assumed in simulation mode
    /// when no header names one (a KME with exactly one SAE, as the reference does).
    public func sae(assuming single: String? = nil) -> Result<String, CallerIdentityError> {
        switch self {
        case .certified(let sae): return .success(sae)
        case .refused(let reason): return .failure(CallerIdentityError(message: reason))
        case .claimed(let name?): return .success(name)
        case .claimed(nil):
            guard let single else {
                return .failure(CallerIdentityError(message: "Missing Authorization header naming the calling SAE."))
            }
            return .success(single)
        }
    }
}

/// Why a caller has no identity: the message of the 401 the interface answers.
public struct CallerIdentityError: Error, Sendable, Hashable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
