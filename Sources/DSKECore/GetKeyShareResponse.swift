/// Answer to `GET /hub/{hub}/dske/api/v1/key-share`: the hub hands a share to the responder
/// client, re-encrypted with a pad from the hub-owned pool of that pair.
public struct GetKeyShareResponse: WireMessage, Hashable {
    public let shareIndex: Int
    public let encryptionKeyAllocation: Allocation
    public let encryptedShareValue: [UInt8]

    public init(shareIndex: Int, encryptionKeyAllocation: Allocation, encryptedShareValue: [UInt8]) {
        self.shareIndex = shareIndex
        self.encryptionKeyAllocation = encryptionKeyAllocation
        self.encryptedShareValue = encryptedShareValue
    }

    enum CodingKeys: String, CodingKey {
        case shareIndex = "share_index"
        case encryptionKeyAllocation = "encryption_key_allocation"
        case encryptedShareValue = "encrypted_share_value"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        shareIndex = try container.decodeInteger(forKey: .shareIndex, in: KeyShare.indexRange)
        encryptionKeyAllocation = try container.decode(Allocation.self, forKey: .encryptionKeyAllocation)
        encryptedShareValue = try container.decodeSharePad(forKey: .encryptedShareValue, pad: encryptionKeyAllocation)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(shareIndex, forKey: .shareIndex)
        try container.encode(encryptionKeyAllocation, forKey: .encryptionKeyAllocation)
        try container.encode(StrictBase64.encode(encryptedShareValue), forKey: .encryptedShareValue)
    }
}

extension GetKeyShareResponse: DirectWireMessage {
    func write(to writer: inout WireWriter) {
        writer.raw("{")
        DirectSharePayload.write(index: shareIndex, allocation: encryptionKeyAllocation, value: encryptedShareValue, to: &writer)
        writer.raw("}")
    }

    init?(direct value: JSONValue) {
        guard let payload = value.directObject.flatMap(DirectSharePayload.init) else { return nil }
        self.init(shareIndex: payload.index, encryptionKeyAllocation: payload.allocation, encryptedShareValue: payload.value)
    }
}
