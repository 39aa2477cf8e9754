/// ETSI GS QKD 014 V1.1.1 Key request: the body of `POST /api/v1/keys/{slave_SAE_ID}/enc_keys`.
/// Every member is optional; absent ones are omitted, not written as `null`.
///
/// Only the JSON shape is checked here. Ranges (`size` a multiple of 8, `number` within
/// `max_key_per_request`) belong to the KME, because the standard fixes the error messages.
public struct ETSIKeyRequest: WireMessage, Hashable {
    /// Number of keys; the KME assumes 1 when absent.
    public var number: Int?
    /// Key size in bits; the KME assumes its default `key_size` when absent.
    public var size: Int?
    public var additionalSlaveSAEIDs: [String]?
    public var extensionMandatory: [JSONObject]?
    public var extensionOptional: [JSONObject]?

    public init(number: Int? = nil, size: Int? = nil, additionalSlaveSAEIDs: [String]? = nil,
                extensionMandatory: [JSONObject]? = nil, extensionOptional: [JSONObject]? = nil) {
        self.number = number
        self.size = size
        self.additionalSlaveSAEIDs = additionalSlaveSAEIDs
        self.extensionMandatory = extensionMandatory
        self.extensionOptional = extensionOptional
    }

    enum CodingKeys: String, CodingKey {
        case number
        case size
        case additionalSlaveSAEIDs = "additional_slave_SAE_IDs"
        case extensionMandatory = "extension_mandatory"
        case extensionOptional = "extension_optional"
    }
}
