import Crypto
import Foundation

/// Who the card belongs to: stored on the card readable without the PIN, so `card status` and
/// the CLI can tell which node and hub a card serves (and whether it is the right card) before
/// asking for the PIN.
public struct CardIdentity: Codable, Equatable, Sendable {
    public enum Role: String, Codable, Sendable {
        case client
        case hub
    }

    /// The node the card belongs to (the recipient name in bundles).
    public var node: String
    public var role: Role
    /// The hub the node is enrolled at.
    public var hub: String
    /// A random serial written at enrolment (16 hex digits), to tell cards apart.
    public var cardSerial: String
    /// First 8 bytes of SHA-256 of the enrolment key, hex: the bundle stanza's key_id.
    public var keyID: String
    /// When the card was enrolled (RFC 3339, UTC).
    public var enrolledAt: String

    public init(node: String, role: Role, hub: String, cardSerial: String, keyID: String, enrolledAt: String) {
        self.node = node
        self.role = role
        self.hub = hub
        self.cardSerial = cardSerial
        self.keyID = keyID
        self.enrolledAt = enrolledAt
    }

    enum CodingKeys: String, CodingKey {
        case node, role, hub
        case cardSerial = "card_serial"
        case keyID = "key_id"
        case enrolledAt = "enrolled_at"
    }

    /// The key id of an enrolment key, as bundle stanzas name it.
    public static func keyID(of key: SymmetricKey) -> String {
        let digest = key.withUnsafeBytes { SHA256.hash(data: $0) }
        return Array(digest).prefix(8).map { String(format2: $0) }.joined().lowercased()
    }

    /// The file content: 2-byte big-endian length, then the JSON (sorted keys).
    func encoded() throws(PCSCError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let json = try? encoder.encode(self), json.count <= 1024 else {
            throw .invalidArgument("the card identity does not encode in 1 KiB")
        }
        return [UInt8(json.count >> 8), UInt8(json.count & 0xFF)] + Array(json)
    }

    static func decode(_ bytes: [UInt8]) -> CardIdentity? {
        guard bytes.count >= 2 else { return nil }
        let length = Int(bytes[0]) << 8 | Int(bytes[1])
        guard length > 0, bytes.count >= 2 + length else { return nil }
        return try? JSONDecoder().decode(CardIdentity.self, from: Data(bytes[2..<(2 + length)]))
    }
}
