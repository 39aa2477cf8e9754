import Crypto
import DSKECore
import Foundation

/// The random 256-bit key of one bundle. Never stored in the clear: each stanza wraps it for one
/// recipient, and the header MAC key and the payload key are derived from it.
public struct FileKey: Sendable {
    public static let size = 32

    let key: SymmetricKey

    /// A fresh key from the operating system's CSPRNG.
    public static func generate() -> FileKey { FileKey(key: SymmetricKey(size: .bits256)) }

    /// A given key: for test vectors and for keys unwrapped from a stanza.
    public init(bytes: [UInt8]) throws(BundleError) {
        guard bytes.count == Self.size else { throw .invalidArgument("a file key has \(Self.size) bytes, not \(bytes.count)") }
        key = SymmetricKey(data: bytes)
    }

    init(key: SymmetricKey) { self.key = key }

    /// HKDF-SHA256(ikm = file key, salt = none, info = "header"), 32 bytes.
    var headerMACKey: SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: key, info: Array("header".utf8), outputByteCount: 32)
    }

    /// HKDF-SHA256(ikm = file key, salt = the bundle ID's 36 ASCII characters, info = "payload"), 32 bytes.
    func payloadKey(bundleID: UUID) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: key, salt: Array(bundleID.lowercased.utf8),
                               info: Array("payload".utf8), outputByteCount: 32)
    }
}
