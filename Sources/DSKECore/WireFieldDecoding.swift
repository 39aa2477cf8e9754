import Foundation

/// Field decoders shared by the message types. Failures are `DecodingError.dataCorrupted` with
/// the field's path, which `WireCoding` turns into `WireError.invalidField` naming the field. No
/// message echoes the value: base64 fields carry PSRD and key bytes.
extension KeyedDecodingContainer {
    func decodeBase64(forKey key: Key, allowEmpty: Bool = false) throws -> [UInt8] {
        let text = try decode(String.self, forKey: key)
        guard let bytes = StrictBase64.decode(text) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self,
                debugDescription: "not canonical base64 (standard alphabet with '=' padding, as Python's b64encode)")
        }
        guard allowEmpty || !bytes.isEmpty else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "must not be empty")
        }
        return bytes
    }

    /// The DSKE wire spells UUIDs as Python's `str(uuid)` does: lowercase and hyphenated. Only that
    /// spelling is accepted, so one message has one text form.
    func decodeCanonicalUUID(forKey key: Key) throws -> UUID {
        let text = try decode(String.self, forKey: key)
        guard let uuid = UUID(canonical: text) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self,
                debugDescription: "not a canonical lowercase hyphenated UUID")
        }
        return uuid
    }

    /// ETSI key IDs come from third-party SAEs; any letter case is accepted.
    func decodeAnyCaseUUID(forKey key: Key) throws -> UUID {
        let text = try decode(String.self, forKey: key)
        guard text.utf8.count == 36, let uuid = UUID(uuidString: text) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "not a hyphenated UUID")
        }
        return uuid
    }

    func decodeInteger(forKey key: Key, in range: ClosedRange<Int>) throws -> Int {
        let value = try decode(Int.self, forKey: key)
        guard range.contains(value) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self,
                debugDescription: "\(value) is outside \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }
}
