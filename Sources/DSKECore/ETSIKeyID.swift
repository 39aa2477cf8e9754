import Foundation

/// One entry of an ETSI GS QKD 014 Key IDs body.
public struct ETSIKeyID: WireMessage, Hashable {
    public var keyID: UUID
    public var keyIDExtension: JSONObject?

    public init(keyID: UUID, keyIDExtension: JSONObject? = nil) {
        self.keyID = keyID
        self.keyIDExtension = keyIDExtension
    }

    enum CodingKeys: String, CodingKey {
        case keyID = "key_ID"
        case keyIDExtension = "key_ID_extension"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        keyID = try container.decodeAnyCaseUUID(forKey: .keyID)
        keyIDExtension = try container.decodeIfPresent(JSONObject.self, forKey: .keyIDExtension)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(keyID.lowercased, forKey: .keyID)
        try container.encodeIfPresent(keyIDExtension, forKey: .keyIDExtension)
    }
}
