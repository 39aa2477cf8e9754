/// ETSI GS QKD 014 V1.1.1 Status: the answer to `GET /api/v1/keys/{slave_SAE_ID}/status`.
public struct ETSIStatus: WireMessage, Hashable {
    public var sourceKMEID: String
    public var targetKMEID: String
    public var masterSAEID: String
    public var slaveSAEID: String
    /// Default key size in bits.
    public var keySize: Int
    public var storedKeyCount: Int
    public var maxKeyCount: Int
    public var maxKeyPerRequest: Int
    public var maxKeySize: Int
    public var minKeySize: Int
    public var maxSAEIDCount: Int
    public var statusExtension: JSONObject?

    public init(sourceKMEID: String, targetKMEID: String, masterSAEID: String, slaveSAEID: String,
                keySize: Int, storedKeyCount: Int, maxKeyCount: Int, maxKeyPerRequest: Int,
                maxKeySize: Int, minKeySize: Int, maxSAEIDCount: Int, statusExtension: JSONObject? = nil) {
        self.sourceKMEID = sourceKMEID
        self.targetKMEID = targetKMEID
        self.masterSAEID = masterSAEID
        self.slaveSAEID = slaveSAEID
        self.keySize = keySize
        self.storedKeyCount = storedKeyCount
        self.maxKeyCount = maxKeyCount
        self.maxKeyPerRequest = maxKeyPerRequest
        self.maxKeySize = maxKeySize
        self.minKeySize = minKeySize
        self.maxSAEIDCount = maxSAEIDCount
        self.statusExtension = statusExtension
    }

    enum CodingKeys: String, CodingKey {
        case sourceKMEID = "source_KME_ID"
        case targetKMEID = "target_KME_ID"
        case masterSAEID = "master_SAE_ID"
        case slaveSAEID = "slave_SAE_ID"
        case keySize = "key_size"
        case storedKeyCount = "stored_key_count"
        case maxKeyCount = "max_key_count"
        case maxKeyPerRequest = "max_key_per_request"
        case maxKeySize = "max_key_size"
        case minKeySize = "min_key_size"
        case maxSAEIDCount = "max_SAE_ID_count"
        case statusExtension = "status_extension"
    }
}
