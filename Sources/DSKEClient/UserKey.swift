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
    static func randomID() -> UUID {
        var b = SecureRandom.bytes(16)
        b[6] = b[6] & 0x0F | 0x40
        b[8] = b[8] & 0x3F | 0x80
        return UUID(uuid: (b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]))
    }

    var etsi: ETSIKey { ETSIKey(keyID: id, key: value) }
}

extension UserKey: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    var description: String { "UserKey(\(id.lowercased), \(value.count) bytes)" }
    var debugDescription: String { description }
    var customMirror: Mirror { Mirror(self, children: ["id": id, "value": "\(value.count) bytes"], displayStyle: .struct) }
}
