import DSKECore
import Foundation

/// draft-cisco-skip `GET /key` and `GET /key/{keyId}`: `{"keyId": hex, "key": hex}`. The key
/// ID is the 128 bits of the key's UUID (the ETSI key_ID of the same key) as 32 hex digits.
///
/// The server never builds this type: it writes the answer into a buffer it zeroes afterwards
/// (`body(id:key:)`), so the key's hex digits do not linger in a String. Decoding is for clients.
public struct SKIPKey: Decodable, Sendable {
    public var keyId: String
    public var key: [UInt8]

    enum CodingKeys: String, CodingKey { case keyId, key }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        keyId = try container.decode(String.self, forKey: .keyId)
        let hex = try container.decode(String.self, forKey: .key)
        guard let bytes = SKIPHex.decode(hex) else {
            throw DecodingError.dataCorruptedError(forKey: .key, in: container, debugDescription: "key is not hex")
        }
        key = bytes
    }

    /// The answer's bytes; the caller zeroes them once they are on their way.
    static func body(id: UUID, key: SecretBytes) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(40 + 2 * key.count)
        out.append(contentsOf: Array(#"{"keyId":""#.utf8))
        withUnsafeBytes(of: id.uuid) { SKIPHex.append(contentsOf: $0, to: &out) }
        out.append(contentsOf: Array(#"","key":""#.utf8))
        key.withBytes { bytes in bytes.withUnsafeBytes { SKIPHex.append(contentsOf: $0, to: &out) } }
        out.append(contentsOf: Array(#""}"#.utf8))
        return out
    }
}

extension SKIPKey: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "SKIPKey(keyId: \(keyId), key: \(key.count) bytes)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["keyId": keyId, "key": "\(key.count) bytes"], displayStyle: .struct) }
}
