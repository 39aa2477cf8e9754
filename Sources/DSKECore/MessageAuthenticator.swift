import Crypto

/// Tags and checks DSKE messages with a 32-byte key of PSRD. The message is the concatenation of
/// `parts` (for the reference signature: raw query bytes, then raw body bytes), passed as parts so
/// callers need not copy them into one buffer.
public struct MessageAuthenticator: Sendable {
    /// Bytes of PSRD consumed per MAC key, for both kinds (as the reference allocates).
    public static let keySize = 32

    public let kind: AuthenticatorKind

    public init(kind: AuthenticatorKind) {
        self.kind = kind
    }

    /// 32 bytes for HMAC-SHA256, 16 for Poly1305.
    public var tagSize: Int {
        switch kind {
        case .hmacSHA256: 32
        case .poly1305: Poly1305.tagSize
        }
    }

    /// The tag of the concatenated parts. The key must be exactly `keySize` bytes.
    public func tag(key: [UInt8], message parts: [[UInt8]]) -> [UInt8] {
        precondition(key.count == Self.keySize, "a message authenticator key is exactly 32 bytes")
        switch kind {
        case .hmacSHA256:
            return Self.hmacSHA256(key: key, parts: parts)
        case .poly1305:
            return Poly1305.tag(key: key, parts: parts)
        }
    }

    /// Whether `tag` authenticates the parts under `key`. The comparison takes the same time
    /// wherever the bytes differ. A tag or key of the wrong length is simply invalid: both sizes
    /// can come from a peer's signature header, so they must not trap.
    public func isValid(tag: [UInt8], key: [UInt8], message parts: [[UInt8]]) -> Bool {
        guard tag.count == tagSize, key.count == Self.keySize else { return false }
        return ConstantTime.equals(self.tag(key: key, message: parts), tag)
    }

    /// HMAC-SHA256 of the concatenated parts, for any key length (RFC 4231 vectors use others);
    /// the same as Python's hmac.new(key, message, hashlib.sha256).digest().
    static func hmacSHA256(key: [UInt8], parts: [[UInt8]]) -> [UInt8] {
        let code = key.withUnsafeBytes { key in
            hmacSHA256(key: key) { hash in
                for part in parts { part.withUnsafeBytes { hash.update(bufferPointer: $0) } }
            }
        }
        return Array(code)
    }

    /// RFC 2104 over swift-crypto's SHA256, fed through raw buffers. `HMAC<SHA256>` computes the
    /// same bytes (the tests compare them) but its generic key and data handling costs about
    /// 1.6 microseconds per short message, a third of the budget of a Shamir split and
    /// reconstruct, which each compute one; this takes about 0.5.
    static func hmacSHA256(key: UnsafeRawBufferPointer, message feed: (inout SHA256) -> Void) -> SHA256.Digest {
        let blockSize = 64
        return withHeapScratch(of: UInt8.self, capacity: blockSize) { pad in
            pad.initialize(repeating: 0)
            defer { pad.update(repeating: 0) }
            if key.count > blockSize {
                var hash = SHA256()
                hash.update(bufferPointer: key)
                hash.finalize().withUnsafeBytes { digest in
                    for i in 0..<digest.count { pad[i] = digest[i] }
                }
            } else {
                for i in 0..<key.count { pad[i] = key[i] }
            }
            for i in 0..<blockSize { pad[i] ^= 0x36 }
            var inner = SHA256()
            inner.update(bufferPointer: UnsafeRawBufferPointer(pad))
            feed(&inner)
            let innerDigest = inner.finalize()
            for i in 0..<blockSize { pad[i] ^= 0x36 ^ 0x5C }
            var outer = SHA256()
            outer.update(bufferPointer: UnsafeRawBufferPointer(pad))
            innerDigest.withUnsafeBytes { outer.update(bufferPointer: $0) }
            return outer.finalize()
        }
    }
}
