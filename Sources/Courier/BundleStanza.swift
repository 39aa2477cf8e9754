import DSKECore

/// One way to recover a bundle's file key: the file key wrapped for one recipient key.
public enum BundleStanza: Sendable, Hashable, Codable {
    /// The file key sealed with AES-256-GCM under a 256-bit enrolment key (or a hub's own bundle
    /// key), with the bundle ID as associated data.
    case enrolmentKey(keyID: String, nonce: [UInt8], wrappedKey: [UInt8])
    /// A stanza type this version does not know (an ML-KEM-768 recipient, say): kept member for
    /// member so the header stays canonical, and skipped when looking for a key.
    case other(JSONObject)

    public static let enrolmentKeyType = "enrolment-key"
    public static let nonceSize = 12
    /// The 32-byte file key and the 16-byte tag.
    public static let wrappedKeySize = 48
    static let tagSize = 16

    public var type: String {
        switch self {
        case .enrolmentKey: return Self.enrolmentKeyType
        case .other(let object):
            if case .string(let type)? = object["type"] { return type }
            return ""
        }
    }

    /// The key ID of an enrolment-key stanza.
    public var keyID: String? {
        if case .enrolmentKey(let keyID, _, _) = self { return keyID }
        return nil
    }

    private enum CodingKeys: String, CodingKey {
        case type
        case keyID = "key_id"
        case nonce
        case wrappedKey = "wrapped_key"
    }

    public init(from decoder: any Decoder) throws {
        let value = try JSONValue(from: decoder)
        guard case .object(let object) = value else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "expected an object"))
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decodeLabel(forKey: .type)
        guard type == Self.enrolmentKeyType else {
            self = .other(object)
            return
        }
        let keyID = try container.decode(String.self, forKey: .keyID)
        guard EnrolmentKey.isValidKeyID(keyID) else {
            throw DecodingError.dataCorruptedError(forKey: .keyID, in: container,
                debugDescription: "not 16 lowercase hexadecimal digits")
        }
        self = .enrolmentKey(keyID: keyID,
                             nonce: try container.decodeBase64(forKey: .nonce, count: Self.nonceSize),
                             wrappedKey: try container.decodeBase64(forKey: .wrappedKey, count: Self.wrappedKeySize))
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case let .enrolmentKey(keyID, nonce, wrappedKey):
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(Self.enrolmentKeyType, forKey: .type)
            try container.encode(keyID, forKey: .keyID)
            try container.encode(StrictBase64.encode(nonce), forKey: .nonce)
            try container.encode(StrictBase64.encode(wrappedKey), forKey: .wrappedKey)
        case .other(let object):
            var container = encoder.singleValueContainer()
            try container.encode(JSONValue.object(object))
        }
    }
}
