import DSKECore
import Foundation

/// Field rules of the bundle header. Failures are `DecodingError.dataCorrupted` at the field's
/// path, which `WireCoding` reports as `field 'blocks[2].size': ...`; values are never echoed.
extension KeyedDecodingContainer {
    /// Node names as dske-config.yaml allows them: lowercase letters, digits, `_` and `-`,
    /// starting with a letter or digit, at most 64 characters.
    func decodeNodeName(forKey key: Key) throws -> String {
        let name = try decode(String.self, forKey: key)
        guard NodeName.isValid(name) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self,
                debugDescription: "not a node name (lowercase letters, digits, '_' and '-', at most 64)")
        }
        return name
    }

    func decodeLowercaseUUID(forKey key: Key) throws -> UUID {
        let text = try decode(String.self, forKey: key)
        guard text.utf8.count == 36, let uuid = UUID(uuidString: text), uuid.lowercased == text else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self,
                debugDescription: "not a canonical lowercase hyphenated UUID")
        }
        return uuid
    }

    func decodeBase64(forKey key: Key, count: Int) throws -> [UInt8] {
        let text = try decode(String.self, forKey: key)
        guard let bytes = StrictBase64.decode(text), bytes.count == count else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self,
                debugDescription: "not \(count) bytes in canonical base64")
        }
        return bytes
    }

    func decodeInteger(forKey key: Key, in range: ClosedRange<Int>) throws -> Int {
        let value = try decode(Int.self, forKey: key)
        guard range.contains(value) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self,
                debugDescription: "outside \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }

    func decodeTime(forKey key: Key) throws -> Date {
        let text = try decode(String.self, forKey: key)
        guard let date = BundleTime.parse(text) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self,
                debugDescription: "not an RFC 3339 UTC time of the form 2025-06-01T12:00:00Z")
        }
        return date
    }

    /// Free text of the entropy record: printable ASCII, bounded.
    func decodeLabel(forKey key: Key) throws -> String {
        let text = try decode(String.self, forKey: key)
        guard Label.isValid(text) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self,
                debugDescription: "not 1 to \(Label.maxLength) printable ASCII characters")
        }
        return text
    }

    func decodeArray<T: Decodable>(_ type: T.Type, forKey key: Key, count: ClosedRange<Int>) throws -> [T] {
        let values = try decode([T].self, forKey: key)
        guard count.contains(values.count) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self,
                debugDescription: "must hold \(count.lowerBound) to \(count.upperBound) entries")
        }
        return values
    }
}

enum NodeName {
    static func isValid(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (1...64).contains(bytes.count) else { return false }
        func allowed(_ byte: UInt8) -> Bool {
            (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte) || byte == 0x5F || byte == 0x2D
        }
        return bytes.allSatisfy(allowed) && bytes[0] != 0x5F && bytes[0] != 0x2D
    }
}

enum Label {
    static let maxLength = 256

    static func isValid(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return (1...maxLength).contains(bytes.count) && bytes.allSatisfy { (0x20...0x7E).contains($0) }
    }
}
