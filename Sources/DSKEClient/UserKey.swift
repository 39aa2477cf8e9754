import DSKECore
import Foundation

/// A key delivered to an SAE: its ID and its bytes. The bytes never appear in descriptions, so a
/// key that reaches a log line by mistake shows only its ID and length.
struct UserKey: Sendable {
    let id: UUID
    let value: [UInt8]

    /// A fresh random key of `size` bytes.
    static func random(size: Int) -> UserKey {
        UserKey(id: randomID(), value: SecureRandom.bytes(size))
    }

    /// A random (version 4) key ID from the CSPRNG. Foundation's `UUID()` on Linux opens, reads
    /// and closes /dev/urandom for each one: three system calls per key, about 9,000 a second in
    /// a busy KME.
    static func randomID() -> UUID { randomIDs(1)[0] }

    /// `count` random key IDs from one CSPRNG read (a batch of 128 keys made 128 reads).
    static func randomIDs(_ count: Int) -> [UUID] {
        let random = SecureRandom.bytes(16 * count)
        return (0..<count).map { i in
            let b = random[(16 * i)..<(16 * i + 16)]
            let o = b.startIndex
            return UUID(uuid: (b[o], b[o + 1], b[o + 2], b[o + 3], b[o + 4], b[o + 5], b[o + 6] & 0x0F | 0x40, b[o + 7],
                               b[o + 8] & 0x3F | 0x80, b[o + 9], b[o + 10], b[o + 11], b[o + 12], b[o + 13], b[o + 14], b[o + 15]))
        }
    }

    /// `count` random key values of `size` bytes, each its own array, from one CSPRNG read whose
    /// buffer is wiped before this returns.
    static func randomValues(count: Int, size: Int) -> [[UInt8]] {
        let random = SecretBytes(SecureRandom.bytes(count * size))
        defer { random.wipe() }
        // Copied through a buffer pointer: `Array(bytes[range])` of a range that spans the whole
        // buffer shares it, and `wipe()` would then zero the key itself (one key per request:
        // all-zero keys, caught by KeyValueTests and the end-to-end key pair test).
        return random.withBytes { bytes in
            bytes.withUnsafeBufferPointer { buffer in
                (0..<count).map { i in Array(UnsafeBufferPointer(rebasing: buffer[(size * i)..<(size * i + size)])) }
            }
        }
    }

    var etsi: ETSIKey { ETSIKey(keyID: id, key: value) }
}

extension UserKey: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    var description: String { "UserKey(\(id.lowercased), \(value.count) bytes)" }
    var debugDescription: String { description }
    var customMirror: Mirror { Mirror(self, children: ["id": id, "value": "\(value.count) bytes"], displayStyle: .struct) }
}
