/// A security condition in ISO 7816-4 compact format (one SC byte).
public enum AccessCondition: UInt8, Sendable, Equatable {
    /// No condition.
    case always = 0x00
    /// User authentication: the card's PIN (reference 81) verified in this session.
    case pin = 0x10
    /// Never allowed.
    case never = 0xFF
}

/// The compact security attributes of a transparent EF (FCP tag 8C): access-mode byte with
/// DELETE FILE (b7), UPDATE/ERASE BINARY (b2) and READ BINARY (b1), then one SC byte per set
/// bit, from b7 down to b1.
public struct FileAccess: Equatable, Sendable {
    public var read: AccessCondition
    public var update: AccessCondition
    public var delete: AccessCondition

    public init(read: AccessCondition, update: AccessCondition, delete: AccessCondition) {
        self.read = read
        self.update = update
        self.delete = delete
    }

    public var compact: [UInt8] { [0x43, delete.rawValue, update.rawValue, read.rawValue] }
}
