/// ETSI GS QKD 014 V1.1.1 Key IDs: the body of `POST /api/v1/keys/{master_SAE_ID}/dec_keys`.
public struct ETSIKeyIDs: WireMessage, Hashable {
    public var keyIDs: [ETSIKeyID]
    public var keyIDsExtension: JSONObject?

    public init(keyIDs: [ETSIKeyID], keyIDsExtension: JSONObject? = nil) {
        self.keyIDs = keyIDs
        self.keyIDsExtension = keyIDsExtension
    }

    enum CodingKeys: String, CodingKey {
        case keyIDs = "key_IDs"
        case keyIDsExtension = "key_IDs_extension"
    }
}
