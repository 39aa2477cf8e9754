import Foundation

/// One key in an ETSI GS QKD 014 Key container. `key` is secret: `description` and reflection
/// show only its length.
public struct ETSIKey: WireMessage, Hashable {
    public var keyID: UUID
    public var key: [UInt8]
    public var keyIDExtension: JSONObject?
    public var keyExtension: JSONObject?

    public init(keyID: UUID, key: [UInt8], keyIDExtension: JSONObject? = nil, keyExtension: JSONObject? = nil) {
        self.keyID = keyID
        self.key = key
        self.keyIDExtension = keyIDExtension
        self.keyExtension = keyExtension
    }

    enum CodingKeys: String, CodingKey {
        case keyID = "key_ID"
        case key
        case keyIDExtension = "key_ID_extension"
        case keyExtension = "key_extension"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        keyID = try container.decodeAnyCaseUUID(forKey: .keyID)
        key = try container.decodeBase64(forKey: .key)
        keyIDExtension = try container.decodeIfPresent(JSONObject.self, forKey: .keyIDExtension)
        keyExtension = try container.decodeIfPresent(JSONObject.self, forKey: .keyExtension)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(keyID.lowercased, forKey: .keyID)
        try container.encode(StrictBase64.encode(key), forKey: .key)
        try container.encodeIfPresent(keyIDExtension, forKey: .keyIDExtension)
        try container.encodeIfPresent(keyExtension, forKey: .keyExtension)
    }
}

extension ETSIKey: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "ETSIKey(key_ID: \(keyID.lowercased), key: \(key.count) bytes)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror {
        Mirror(self, children: ["keyID": keyID, "key": "\(key.count) bytes",
                                "keyIDExtension": keyIDExtension as Any, "keyExtension": keyExtension as Any],
               displayStyle: .struct)
    }
}
