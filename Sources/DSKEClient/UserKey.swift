import DSKECore
import Foundation

/// A key delivered to an SAE: its ID and its bytes. The bytes never appear in descriptions, so a
/// key that reaches a log line by mistake shows only its ID and length.
struct UserKey: Sendable {
    let id: UUID
    let value: [UInt8]

    /// A fresh random key of `size` bytes.
    static func random(size: Int) -> UserKey {
        UserKey(id: UUID(), value: SecureRandom.bytes(size))
    }

    var etsi: ETSIKey { ETSIKey(keyID: id, key: value) }
}

extension UserKey: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    var description: String { "UserKey(\(id.lowercased), \(value.count) bytes)" }
    var debugDescription: String { description }
    var customMirror: Mirror { Mirror(self, children: ["id": id, "value": "\(value.count) bytes"], displayStyle: .struct) }
}
