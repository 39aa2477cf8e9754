/// The message authenticator a network uses for DSKE-Signature, chosen once for all its nodes.
/// The raw values are the names used in configuration files.
public enum AuthenticatorKind: String, Sendable, Codable, CaseIterable {
    /// What the reference implementation uses; computationally secure only.
    case hmacSHA256 = "hmac-sha256"
    /// One-time Poly1305 keyed with fresh PSRD: information-theoretically secure.
    case poly1305 = "poly1305"
}
