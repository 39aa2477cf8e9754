import Foundation

/// Body of `POST /hub/{hub}/dske/api/v1/key-share`: a client hands one share of a user key to a
/// hub, encrypted with a one-time pad the allocation names.
public struct PostKeyShareRequest: WireMessage, Hashable {
    public let masterClientName: String
    public let masterSAEID: String
    public let slaveSAEID: String
    public let userKeyID: UUID
    public let shareIndex: Int
    /// The pad: exactly `encryptedShareValue.count` bytes from the sender-owned pool.
    public let encryptionKeyAllocation: Allocation
    public let encryptedShareValue: [UInt8]

    public init(masterClientName: String, masterSAEID: String, slaveSAEID: String, userKeyID: UUID,
                shareIndex: Int, encryptionKeyAllocation: Allocation, encryptedShareValue: [UInt8]) {
        self.masterClientName = masterClientName
        self.masterSAEID = masterSAEID
        self.slaveSAEID = slaveSAEID
        self.userKeyID = userKeyID
        self.shareIndex = shareIndex
        self.encryptionKeyAllocation = encryptionKeyAllocation
        self.encryptedShareValue = encryptedShareValue
    }

    enum CodingKeys: String, CodingKey {
        case masterClientName = "master_client_name"
        case masterSAEID = "master_sae_id"
        case slaveSAEID = "slave_sae_id"
        case userKeyID = "user_key_id"
        case shareIndex = "share_index"
        case encryptionKeyAllocation = "encryption_key_allocation"
        case encryptedShareValue = "encrypted_share_value"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        masterClientName = try container.decode(String.self, forKey: .masterClientName)
        masterSAEID = try container.decode(String.self, forKey: .masterSAEID)
        slaveSAEID = try container.decode(String.self, forKey: .slaveSAEID)
        userKeyID = try container.decodeCanonicalUUID(forKey: .userKeyID)
        shareIndex = try container.decodeInteger(forKey: .shareIndex, in: KeyShare.indexRange)
        encryptionKeyAllocation = try container.decode(Allocation.self, forKey: .encryptionKeyAllocation)
        encryptedShareValue = try container.decodeSharePad(forKey: .encryptedShareValue, pad: encryptionKeyAllocation)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(masterClientName, forKey: .masterClientName)
        try container.encode(masterSAEID, forKey: .masterSAEID)
        try container.encode(slaveSAEID, forKey: .slaveSAEID)
        try container.encode(userKeyID.lowercased, forKey: .userKeyID)
        try container.encode(shareIndex, forKey: .shareIndex)
        try container.encode(encryptionKeyAllocation, forKey: .encryptionKeyAllocation)
        try container.encode(StrictBase64.encode(encryptedShareValue), forKey: .encryptedShareValue)
    }
}

extension KeyedDecodingContainer {
    /// A one-time pad must be exactly as long as what it encrypts: a shorter one could not have
    /// encrypted it, a longer one would burn PSRD for nothing.
    func decodeSharePad(forKey key: Key, pad: Allocation) throws -> [UInt8] {
        let share = try decodeBase64(forKey: key)
        guard share.count == pad.size else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self,
                debugDescription: "\(share.count) bytes, but the encryption key allocation covers \(pad.size)")
        }
        return share
    }
}

extension PostKeyShareRequest: DirectWireMessage {
    func write(to writer: inout WireWriter) {
        writer.raw("{\"master_client_name\":")
        writer.string(masterClientName)
        writer.saePair(master: masterSAEID, slave: slaveSAEID)
        writer.raw(",\"user_key_id\":")
        writer.uuid(userKeyID)
        writer.raw(",")
        DirectSharePayload.write(index: shareIndex, allocation: encryptionKeyAllocation, value: encryptedShareValue, to: &writer)
        writer.raw("}")
    }

    init?(direct value: JSONValue) {
        guard let object = value.directObject,
              let masterClientName = object["master_client_name"]?.directString,
              let masterSAEID = object["master_sae_id"]?.directString,
              let slaveSAEID = object["slave_sae_id"]?.directString,
              let userKeyID = object["user_key_id"]?.directCanonicalUUID,
              let payload = DirectSharePayload(object) else { return nil }
        self.init(masterClientName: masterClientName, masterSAEID: masterSAEID, slaveSAEID: slaveSAEID, userKeyID: userKeyID,
                  shareIndex: payload.index, encryptionKeyAllocation: payload.allocation, encryptedShareValue: payload.value)
    }
}
