/// The message authenticator the network uses for `DSKE-Signature`. Mirrors
/// `DSKECore.AuthenticatorKind` (same raw values) without making the configuration depend on the
/// protocol code.
public enum AuthenticatorSetting: String, Sendable, Hashable, CaseIterable {
    /// What the reference uses: interoperable, computationally secure.
    case hmacSHA256 = "hmac-sha256"
    /// One-time Poly1305 keyed with PSRD: information-theoretically secure, this project only.
    case poly1305
}
