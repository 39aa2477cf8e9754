import Foundation

// Messages of this project's hub extensions. A reference client never sends them and a reference
// hub answers 404 to their paths, which is how our client learns to fall back to the one-share
// messages. They live in one file because they form one small protocol, versioned together.

/// Answer to `GET /hub/{hub}/dske/api/v1/capabilities` (unsigned).
public struct CapabilitiesResponse: WireMessage, Hashable {
    /// The hub serves `POST key-shares` and `POST key-shares/fetch`.
    public let batch: Bool
    /// The hub serves `DELETE key-share`.
    public let delete: Bool
    /// The hub serves `POST resume` (absent, so false, from hubs that predate it).
    public let resume: Bool
    /// The hub serves `POST key-shares/multi` and `POST key-shares/fetch-multi` (absent, so false,
    /// from hubs that predate them).
    public let multi: Bool
    /// The hub reads and writes batch shares in the packed form (`PackedShares`) when asked
    /// (absent, so false, from hubs that predate it).
    public let packed: Bool

    public init(batch: Bool, delete: Bool, resume: Bool, multi: Bool = false, packed: Bool = false) {
        self.batch = batch
        self.delete = delete
        self.resume = resume
        self.multi = multi
        self.packed = packed
    }

    public init(batch: Bool, delete: Bool) {
        self.init(batch: batch, delete: delete, resume: false)
    }

    enum CodingKeys: String, CodingKey {
        case batch
        case delete
        case resume
        case multi
        case packed
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        batch = try container.decode(Bool.self, forKey: .batch)
        delete = try container.decode(Bool.self, forKey: .delete)
        resume = try container.decodeIfPresent(Bool.self, forKey: .resume) ?? false
        multi = try container.decodeIfPresent(Bool.self, forKey: .multi) ?? false
        packed = try container.decodeIfPresent(Bool.self, forKey: .packed) ?? false
    }
}

/// Where a restarted client's replay window begins in one hub-owned block.
public struct ResumePoint: WireMessage, Hashable {
    public let blockUUID: UUID
    public let offset: Int

    public init(blockUUID: UUID, offset: Int) {
        self.blockUUID = blockUUID
        self.offset = offset
    }

    enum CodingKeys: String, CodingKey {
        case blockUUID = "block_uuid"
        case offset
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        blockUUID = try container.decodeCanonicalUUID(forKey: .blockUUID)
        offset = try container.decodeInteger(forKey: .offset, in: 0...Int(Int32.max))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(blockUUID.lowercased, forKey: .blockUUID)
        try container.encode(offset, forKey: .offset)
    }
}

/// Body of `POST /hub/{hub}/dske/api/v1/resume`: a client that restarted after a crash counts the
/// hub-owned PSRD below its replay window as used (it cannot know what it accepted before the
/// crash), so the hub must allocate beyond it or the client refuses every answer. The hub moves
/// its allocation cursor in each named block to at least `offset` (never back) before it signs
/// the answer, a signed `null`.
public struct ResumeRequest: WireMessage, Hashable {
    public let clientName: String
    /// 1...`Allocation.maxFragments` distinct blocks.
    public let blocks: [ResumePoint]

    public init(clientName: String, blocks: [ResumePoint]) {
        self.clientName = clientName
        self.blocks = blocks
    }

    enum CodingKeys: String, CodingKey {
        case clientName = "client_name"
        case blocks
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        clientName = try container.decode(String.self, forKey: .clientName)
        blocks = try container.decode([ResumePoint].self, forKey: .blocks)
        guard (1...Allocation.maxFragments).contains(blocks.count) else {
            throw DecodingError.dataCorruptedError(forKey: .blocks, in: container,
                debugDescription: "1 to \(Allocation.maxFragments) blocks, got \(blocks.count)")
        }
        guard Set(blocks.map(\.blockUUID)).count == blocks.count else {
            throw DecodingError.dataCorruptedError(forKey: .blocks, in: container, debugDescription: "a block appears twice")
        }
    }
}

/// Limits of the batch messages.
public enum KeyShareBatch {
    /// Shares (or key IDs) in one batch message: bounds the work and memory of one request. An
    /// ETSI request for more keys than this is split into several batches by the client.
    public static let maxCount = 1024
    /// Body limit for a batch message: the largest share of a 16,777,216-bit key is 2 MiB, carried
    /// as base64; a batch of many small shares stays far below this.
    public static let bodyLimit = 8 << 20
}

/// One share inside a batch message: the per-key fields of `PostKeyShareRequest` (sent by the
/// master client) and of `GetKeyShareResponse` (sent by the hub), plus the key ID.
public struct BatchKeyShare: WireMessage, Hashable {
    public let userKeyID: UUID
    public let shareIndex: Int
    /// The pad: exactly `encryptedShareValue.count` bytes from the sender-owned pool.
    public let encryptionKeyAllocation: Allocation
    public let encryptedShareValue: [UInt8]

    public init(userKeyID: UUID, shareIndex: Int, encryptionKeyAllocation: Allocation, encryptedShareValue: [UInt8]) {
        self.userKeyID = userKeyID
        self.shareIndex = shareIndex
        self.encryptionKeyAllocation = encryptionKeyAllocation
        self.encryptedShareValue = encryptedShareValue
    }

    enum CodingKeys: String, CodingKey {
        case userKeyID = "user_key_id"
        case shareIndex = "share_index"
        case encryptionKeyAllocation = "encryption_key_allocation"
        case encryptedShareValue = "encrypted_share_value"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        userKeyID = try container.decodeCanonicalUUID(forKey: .userKeyID)
        shareIndex = try container.decodeInteger(forKey: .shareIndex, in: KeyShare.indexRange)
        encryptionKeyAllocation = try container.decode(Allocation.self, forKey: .encryptionKeyAllocation)
        encryptedShareValue = try container.decodeSharePad(forKey: .encryptedShareValue, pad: encryptionKeyAllocation)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(userKeyID.lowercased, forKey: .userKeyID)
        try container.encode(shareIndex, forKey: .shareIndex)
        try container.encode(encryptionKeyAllocation, forKey: .encryptionKeyAllocation)
        try container.encode(StrictBase64.encode(encryptedShareValue), forKey: .encryptedShareValue)
    }
}

/// Body of `POST /hub/{hub}/dske/api/v1/key-shares`: many shares for one master/slave pair in one
/// signed message. The answer is a signed `null`, as for the one-share POST.
public struct PostKeySharesRequest: WireMessage, Hashable {
    public let masterClientName: String
    public let masterSAEID: String
    public let slaveSAEID: String
    /// The packed form the shares travel in, when they do (`packed_shares` instead of `shares`).
    public let packed: PackedShares?
    /// The list form, empty when the shares are packed.
    public let listShares: [BatchKeyShare]

    /// 1...`KeyShareBatch.maxCount` shares with distinct key IDs, one object each. Built from the
    /// packed form on every call when the shares are packed: hot paths read `packed` and
    /// `listShares` instead.
    public var shares: [BatchKeyShare] { packed?.shares ?? listShares }
    public var shareCount: Int { packed?.keyIDs.count ?? listShares.count }

    /// `packed`: send the shares in the packed form (to a hub that has the extension) when they
    /// have one (`PackedShares.init?(_:)`); otherwise, and by default, as a list.
    public init(masterClientName: String, masterSAEID: String, slaveSAEID: String, shares: [BatchKeyShare], packed: Bool = false) {
        self.masterClientName = masterClientName
        self.masterSAEID = masterSAEID
        self.slaveSAEID = slaveSAEID
        let form = packed ? PackedShares(shares) : nil
        self.packed = form
        self.listShares = form == nil ? shares : []
    }

    /// The shares in the packed form, as a sender that built them packed has them.
    public init(masterClientName: String, masterSAEID: String, slaveSAEID: String, packed: PackedShares) {
        self.masterClientName = masterClientName
        self.masterSAEID = masterSAEID
        self.slaveSAEID = slaveSAEID
        self.packed = packed
        self.listShares = []
    }

    enum CodingKeys: String, CodingKey {
        case masterClientName = "master_client_name"
        case masterSAEID = "master_sae_id"
        case slaveSAEID = "slave_sae_id"
        case shares
        case packed = "packed_shares"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        masterClientName = try container.decode(String.self, forKey: .masterClientName)
        masterSAEID = try container.decode(String.self, forKey: .masterSAEID)
        slaveSAEID = try container.decode(String.self, forKey: .slaveSAEID)
        guard let (list, packed) = try container.decodeSharesIfPresent(list: .shares, packed: .packed) else {
            throw DecodingError.keyNotFound(CodingKeys.shares, .init(codingPath: container.codingPath, debugDescription: "no shares"))
        }
        self.listShares = list
        self.packed = packed
        // A packed form checked its key IDs when it was read.
        if packed == nil { try container.checkBatch(list.map { $0.userKeyID }, forKey: .shares) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(masterClientName, forKey: .masterClientName)
        try container.encode(masterSAEID, forKey: .masterSAEID)
        try container.encode(slaveSAEID, forKey: .slaveSAEID)
        try container.encodeShares(listShares, packed: packed, list: .shares, packedKey: .packed)
    }
}

/// Body of `POST /hub/{hub}/dske/api/v1/key-shares/fetch`: the batch form of GET key-share.
public struct FetchKeySharesRequest: WireMessage, Hashable {
    public let clientName: String
    public let masterSAEID: String
    public let slaveSAEID: String
    /// 1...`KeyShareBatch.maxCount` distinct key IDs.
    public let keyIDs: [UUID]
    /// The answer's shares may come packed (`"packed":true`, sent to hubs with the extension).
    public let packed: Bool

    public init(clientName: String, masterSAEID: String, slaveSAEID: String, keyIDs: [UUID], packed: Bool = false) {
        self.clientName = clientName
        self.masterSAEID = masterSAEID
        self.slaveSAEID = slaveSAEID
        self.keyIDs = keyIDs
        self.packed = packed
    }

    enum CodingKeys: String, CodingKey {
        case clientName = "client_name"
        case masterSAEID = "master_sae_id"
        case slaveSAEID = "slave_sae_id"
        case keyIDs = "key_ids"
        case packed
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        clientName = try container.decode(String.self, forKey: .clientName)
        masterSAEID = try container.decode(String.self, forKey: .masterSAEID)
        slaveSAEID = try container.decode(String.self, forKey: .slaveSAEID)
        let texts = try container.decode([String].self, forKey: .keyIDs)
        var ids: [UUID] = []
        ids.reserveCapacity(texts.count)
        for text in texts {
            guard let uuid = UUID(canonical: text) else {
                throw DecodingError.dataCorruptedError(forKey: .keyIDs, in: container,
                    debugDescription: "a key ID is not a canonical lowercase hyphenated UUID")
            }
            ids.append(uuid)
        }
        keyIDs = ids
        try container.checkBatch(ids, forKey: .keyIDs)
        packed = try container.decodeIfPresent(Bool.self, forKey: .packed) ?? false
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(clientName, forKey: .clientName)
        try container.encode(masterSAEID, forKey: .masterSAEID)
        try container.encode(slaveSAEID, forKey: .slaveSAEID)
        try container.encode(keyIDs.map(\.lowercased), forKey: .keyIDs)
        if packed { try container.encode(true, forKey: .packed) }
    }
}

/// Answer to `POST key-shares/fetch`: the shares the hub holds for the requested keys, in request
/// order; keys the hub does not hold are left out (the client rebuilds those from other hubs).
public struct FetchKeySharesResponse: WireMessage, Hashable {
    /// The packed form the shares travel in, when they do (as `PostKeySharesRequest.packed`).
    public let packed: PackedShares?
    /// The list form, empty when the shares are packed.
    public let listShares: [BatchKeyShare]

    /// One object per share, built from the packed form on every call when the shares are packed.
    public var shares: [BatchKeyShare] { packed?.shares ?? listShares }

    public init(shares: [BatchKeyShare], packed: Bool = false) {
        let form = packed ? PackedShares(shares) : nil
        self.packed = form
        self.listShares = form == nil ? shares : []
    }

    public init(packed: PackedShares) {
        self.packed = packed
        self.listShares = []
    }

    enum CodingKeys: String, CodingKey {
        case shares
        case packed = "packed_shares"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard let (list, packed) = try container.decodeSharesIfPresent(list: .shares, packed: .packed) else {
            throw DecodingError.keyNotFound(CodingKeys.shares, .init(codingPath: container.codingPath, debugDescription: "no shares"))
        }
        self.listShares = list
        self.packed = packed
        if packed == nil, let problem = Self.problem(list.map { $0.userKeyID }) {
            throw DecodingError.dataCorruptedError(forKey: .shares, in: container, debugDescription: problem)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeShares(listShares, packed: packed, list: .shares, packedKey: .packed)
    }

    /// What is wrong with the key IDs of an answer's shares, if anything: at most
    /// `KeyShareBatch.maxCount`, each once (it may be empty: the hub held none of them).
    static func problem(_ ids: [UUID]) -> String? {
        guard ids.count <= KeyShareBatch.maxCount else {
            return "\(ids.count) shares exceed the batch limit of \(KeyShareBatch.maxCount)"
        }
        guard Set(ids).count == ids.count else { return "a key ID appears twice" }
        return nil
    }
}

extension KeyedDecodingContainer {
    /// A message's shares, from its list member or its packed member (one or the other, never
    /// both; the list is empty when they are packed); nil when it has neither.
    func decodeSharesIfPresent(list: Key, packed: Key) throws -> (list: [BatchKeyShare], packed: PackedShares?)? {
        if contains(packed) {
            guard !contains(list) else {
                throw DecodingError.dataCorruptedError(forKey: packed, in: self, debugDescription: "shares both as a list and packed")
            }
            return ([], try decode(PackedShares.self, forKey: packed))
        }
        guard contains(list) else { return nil }
        return (try decode([BatchKeyShare].self, forKey: list), nil)
    }

    /// A batch is non-empty, bounded, and names each key once (one key, one share per hub).
    func checkBatch(_ ids: [UUID], forKey key: Key) throws {
        guard !ids.isEmpty else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "must not be empty")
        }
        guard ids.count <= KeyShareBatch.maxCount else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self,
                debugDescription: "\(ids.count) entries exceed the batch limit of \(KeyShareBatch.maxCount)")
        }
        guard Set(ids).count == ids.count else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "a key ID appears twice")
        }
    }
}

extension KeyedEncodingContainer {
    /// The shares in the form they travel in: packed when `packed` is set, else as a list.
    mutating func encodeShares(_ shares: [BatchKeyShare], packed: PackedShares?, list: Key, packedKey: Key) throws {
        if let packed { try encode(packed, forKey: packedKey) } else { try encode(shares, forKey: list) }
    }
}

// MARK: The batch messages without Codable (see `DirectWireMessage`)

extension WireWriter {
    /// `"shares":[...]` or `"packed_shares":{...}`, as `encodeShares` writes them.
    mutating func shares(_ shares: [BatchKeyShare], packed: PackedShares?) {
        if let packed {
            raw("\"packed_shares\":")
            packed.write(to: &self)
        } else {
            raw("\"shares\":")
            array(shares) { $1.write(to: &$0) }
        }
    }
}

extension BatchKeyShare: DirectWireMessage {
    func write(to writer: inout WireWriter) {
        writer.raw("{\"user_key_id\":")
        writer.uuid(userKeyID)
        writer.raw(",")
        DirectSharePayload.write(index: shareIndex, allocation: encryptionKeyAllocation, value: encryptedShareValue, to: &writer)
        writer.raw("}")
    }

    init?(direct value: JSONValue) {
        guard let object = value.directObject, let userKeyID = object["user_key_id"]?.directCanonicalUUID,
              let payload = DirectSharePayload(object) else { return nil }
        self.init(userKeyID: userKeyID, shareIndex: payload.index, encryptionKeyAllocation: payload.allocation,
                  encryptedShareValue: payload.value)
    }
}

extension PostKeySharesRequest: DirectWireMessage {
    func write(to writer: inout WireWriter) {
        writer.raw("{\"master_client_name\":")
        writer.string(masterClientName)
        writer.saePair(master: masterSAEID, slave: slaveSAEID)
        writer.raw(",")
        writer.shares(listShares, packed: packed)
        writer.raw("}")
    }

    /// The list form only; a packed body takes the Codable path.
    init?(direct value: JSONValue) {
        guard let object = value.directObject, object["packed_shares"] == nil,
              let masterClientName = object["master_client_name"]?.directString,
              let masterSAEID = object["master_sae_id"]?.directString,
              let slaveSAEID = object["slave_sae_id"]?.directString,
              let shares = object["shares"]?.directList(of: BatchKeyShare.self), shares.map(\.userKeyID).isValidBatch else { return nil }
        self.init(masterClientName: masterClientName, masterSAEID: masterSAEID, slaveSAEID: slaveSAEID, shares: shares)
    }
}

extension FetchKeySharesRequest: DirectWireMessage {
    func write(to writer: inout WireWriter) {
        writer.raw("{\"client_name\":")
        writer.string(clientName)
        writer.saePair(master: masterSAEID, slave: slaveSAEID)
        writer.raw(",\"key_ids\":")
        writer.array(keyIDs) { $0.uuid($1) }
        if packed { writer.raw(",\"packed\":true") }
        writer.raw("}")
    }

    init?(direct value: JSONValue) {
        guard let object = value.directObject,
              let clientName = object["client_name"]?.directString,
              let masterSAEID = object["master_sae_id"]?.directString,
              let slaveSAEID = object["slave_sae_id"]?.directString,
              let texts = object["key_ids"]?.directArray else { return nil }
        var keyIDs: [UUID] = []
        keyIDs.reserveCapacity(texts.count)
        for text in texts {
            guard let id = text.directCanonicalUUID else { return nil }
            keyIDs.append(id)
        }
        guard keyIDs.isValidBatch else { return nil }
        let packed: Bool
        switch object["packed"] {
        case nil: packed = false
        case .bool(let flag)?: packed = flag
        default: return nil
        }
        self.init(clientName: clientName, masterSAEID: masterSAEID, slaveSAEID: slaveSAEID, keyIDs: keyIDs, packed: packed)
    }
}

extension FetchKeySharesResponse: DirectWireMessage {
    func write(to writer: inout WireWriter) {
        writer.raw("{")
        writer.shares(listShares, packed: packed)
        writer.raw("}")
    }

    /// The list form only; a packed answer takes the Codable path.
    init?(direct value: JSONValue) {
        guard let object = value.directObject, object["packed_shares"] == nil,
              let shares = object["shares"]?.directList(of: BatchKeyShare.self),
              Self.problem(shares.map(\.userKeyID)) == nil else { return nil }
        self.init(shares: shares)
    }
}

// MARK: The batch messages read from the bytes (see `DirectWireReader`)

extension BatchKeyShare {
    /// `init?(direct:)` from the bytes.
    static func read(_ reader: inout DirectWireReader) -> BatchKeyShare? {
        var keyID: UUID?, index: Int?, allocation: Allocation?, value: UnsafeBufferPointer<UInt8>?
        guard reader.object({ reader, key in
            if key.isKey("user_key_id") { return keyID.fill(reader.canonicalUUID()) }
            if key.isKey("share_index") { return index.fill(reader.integer()) }
            if key.isKey("encryption_key_allocation") { return allocation.fill(Allocation.read(&reader)) }
            if key.isKey("encrypted_share_value") { return value.fill(reader.stringBytes()) }
            return false
        }), let keyID, let index, KeyShare.indexRange.contains(index), let allocation, let value,
              let pad = StrictBase64.decode(utf8: value), !pad.isEmpty, pad.count == allocation.size else { return nil }
        return BatchKeyShare(userKeyID: keyID, shareIndex: index, encryptionKeyAllocation: allocation, encryptedShareValue: pad)
    }

    static func readList(_ reader: inout DirectWireReader) -> [BatchKeyShare]? {
        reader.array(limit: KeyShareBatch.maxCount, read)
    }
}

extension PostKeySharesRequest: DirectBytesMessage {
    init?(directBytes bytes: UnsafeBufferPointer<UInt8>) {
        guard let message = DirectWireReader.read(bytes, Self.read) else { return nil }
        self = message
    }

    /// `init?(direct:)` from the bytes (alone, or inside a multi message).
    static func read(_ reader: inout DirectWireReader) -> PostKeySharesRequest? {
        var client: String?, master: String?, slave: String?, shares: [BatchKeyShare]?, packed: PackedShares?
        guard reader.object({ reader, key in
            if key.isKey("master_client_name") { return client.fill(reader.string()) }
            if key.isKey("master_sae_id") { return master.fill(reader.string()) }
            if key.isKey("slave_sae_id") { return slave.fill(reader.string()) }
            if key.isKey("shares") { return packed == nil && shares.fill(BatchKeyShare.readList(&reader)) }
            if key.isKey("packed_shares") { return shares == nil && packed.fill(PackedShares.read(&reader)) }
            return false
        }), let client, let master, let slave else { return nil }
        if let packed { return PostKeySharesRequest(masterClientName: client, masterSAEID: master, slaveSAEID: slave, packed: packed) }
        guard let shares, shares.map(\.userKeyID).isValidBatch else { return nil }
        return PostKeySharesRequest(masterClientName: client, masterSAEID: master, slaveSAEID: slave, shares: shares)
    }
}

extension FetchKeySharesResponse: DirectBytesMessage {
    init?(directBytes bytes: UnsafeBufferPointer<UInt8>) {
        guard let message = DirectWireReader.read(bytes, { reader -> FetchKeySharesResponse? in
            var shares: [BatchKeyShare]?, packed: PackedShares?
            guard reader.object({ reader, key in
                if key.isKey("shares") { return packed == nil && shares.fill(BatchKeyShare.readList(&reader)) }
                if key.isKey("packed_shares") { return shares == nil && packed.fill(PackedShares.read(&reader)) }
                return false
            }) else { return nil }
            if let packed { return FetchKeySharesResponse(packed: packed) }
            guard let shares, Set(shares.map(\.userKeyID)).count == shares.count else { return nil }
            return FetchKeySharesResponse(shares: shares)
        }) else { return nil }
        self = message
    }
}
