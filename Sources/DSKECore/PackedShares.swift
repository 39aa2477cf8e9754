import Foundation

/// The shares of one batch message in the packed form (hub extension `packed`, docs/hub.md):
/// the same shares as the list form, written as one object instead of one per share.
///
/// ```
/// {"share_index":2,"key_ids":"<base64: 16 bytes per key>",
///  "encryption_key_allocation":{"fragments":[...]},"encrypted_share_values":"<base64: n x size>"}
/// ```
///
/// Share i is bytes i*size..<(i+1)*size of the values, its key ID bytes i*16..<(i+1)*16 of the
/// key IDs, and its pad the same bytes of the allocation. A sender cuts a batch's pads one after
/// the other from one allocation, so that allocation is the whole message's; the list form names
/// it again for every share, as text, with each key ID as text too: about 230 bytes a share
/// against 64, and as many UUIDs, integers and base64 strings to write, read and MAC.
public struct PackedShares: Hashable, Sendable {
    public let shareIndex: Int
    /// 1...`KeyShareBatch.maxCount`, distinct.
    public let keyIDs: [UUID]
    /// Covers `values` exactly.
    public let allocation: Allocation
    /// The encrypted shares, one after the other, all of one size.
    public let values: [UInt8]

    /// Bytes of each share.
    public var shareSize: Int { values.count / keyIDs.count }

    /// A checked packed form, nil when the parts do not fit together.
    public init?(shareIndex: Int, keyIDs: [UUID], allocation: Allocation, values: [UInt8]) {
        guard Self.problem(shareIndex: shareIndex, keyIDs: keyIDs, allocation: allocation, values: values) == nil else { return nil }
        self.shareIndex = shareIndex
        self.keyIDs = keyIDs
        self.allocation = allocation
        self.values = values
    }

    /// The packed form of `shares`: nil unless there is at least one, all have one share index
    /// and one size, and their pads follow each other so that cutting the merged allocation by
    /// share gives back each share's own pad (what a reader of the packed form will take).
    public init?(_ shares: [BatchKeyShare]) {
        guard let first = shares.first, shares.count <= KeyShareBatch.maxCount else { return nil }
        let size = first.encryptedShareValue.count
        guard shares.allSatisfy({ $0.shareIndex == first.shareIndex && $0.encryptedShareValue.count == size }),
              let merged = Allocation.coalescing(shares.map(\.encryptionKeyAllocation)),
              let cut = try? merged.slices(sizes: Array(repeating: size, count: shares.count)),
              cut.elementsEqual(shares.lazy.map(\.encryptionKeyAllocation)) else { return nil }
        var values: [UInt8] = []
        values.reserveCapacity(size * shares.count)
        for share in shares { values.append(contentsOf: share.encryptedShareValue) }
        self.init(shareIndex: first.shareIndex, keyIDs: shares.map(\.userKeyID), allocation: merged, values: values)
    }

    /// The shares it carries, in order, each with its own cut of the allocation.
    public var shares: [BatchKeyShare] {
        let size = shareSize
        // Cannot fail: `values` is a whole number of shares and the allocation covers it.
        let pads = (try? allocation.slices(sizes: Array(repeating: size, count: keyIDs.count))) ?? []
        return keyIDs.indices.map { i in
            BatchKeyShare(userKeyID: keyIDs[i], shareIndex: shareIndex, encryptionKeyAllocation: pads[i],
                          encryptedShareValue: Array(values[(i * size)..<((i + 1) * size)]))
        }
    }

    static func problem(shareIndex: Int, keyIDs: [UUID], allocation: Allocation, values: [UInt8]) -> String? {
        guard KeyShare.indexRange.contains(shareIndex) else { return "share index \(shareIndex) out of range" }
        guard (1...KeyShareBatch.maxCount).contains(keyIDs.count) else {
            return "1 to \(KeyShareBatch.maxCount) key IDs, got \(keyIDs.count)"
        }
        guard !values.isEmpty, values.count % keyIDs.count == 0 else {
            return "\(values.count) bytes of shares do not divide among \(keyIDs.count) keys"
        }
        guard allocation.size == values.count else {
            return "the allocation covers \(allocation.size) bytes, the shares \(values.count)"
        }
        guard keyIDs.isValidBatch else { return "a key ID appears twice" }
        return nil
    }

    /// 16 bytes per key ID, in order.
    static func keyIDBytes(_ ids: [UUID]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(ids.count * 16)
        for id in ids { withUnsafeBytes(of: id.uuid) { bytes.append(contentsOf: $0) } }
        return bytes
    }

    /// The key IDs of `keyIDBytes`, nil unless a whole number of them.
    static func keyIDs(_ bytes: [UInt8]) -> [UUID]? {
        guard bytes.count % 16 == 0 else { return nil }
        return bytes.withUnsafeBytes { raw in
            stride(from: 0, to: raw.count, by: 16).map { UUID(uuid: raw.loadUnaligned(fromByteOffset: $0, as: uuid_t.self)) }
        }
    }
}

extension PackedShares: Codable {
    enum CodingKeys: String, CodingKey {
        case shareIndex = "share_index"
        case keyIDs = "key_ids"
        case allocation = "encryption_key_allocation"
        case values = "encrypted_share_values"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let shareIndex = try container.decode(Int.self, forKey: .shareIndex)
        let allocation = try container.decode(Allocation.self, forKey: .allocation)
        guard let idBytes = StrictBase64.decode(try container.decode(String.self, forKey: .keyIDs)),
              let keyIDs = Self.keyIDs(idBytes) else {
            throw DecodingError.dataCorruptedError(forKey: .keyIDs, in: container,
                                                   debugDescription: "not base64 of 16 bytes per key ID")
        }
        guard let values = StrictBase64.decode(try container.decode(String.self, forKey: .values)) else {
            throw DecodingError.dataCorruptedError(forKey: .values, in: container, debugDescription: "not strict base64")
        }
        if let problem = Self.problem(shareIndex: shareIndex, keyIDs: keyIDs, allocation: allocation, values: values) {
            throw DecodingError.dataCorruptedError(forKey: .values, in: container, debugDescription: problem)
        }
        self.shareIndex = shareIndex
        self.keyIDs = keyIDs
        self.allocation = allocation
        self.values = values
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(shareIndex, forKey: .shareIndex)
        try container.encode(StrictBase64.encode(Self.keyIDBytes(keyIDs)), forKey: .keyIDs)
        try container.encode(allocation, forKey: .allocation)
        try container.encode(StrictBase64.encode(values), forKey: .values)
    }
}

// MARK: Without Codable (see `DirectWireEncodable` and `DirectWireReader`)

extension PackedShares {
    func write(to writer: inout WireWriter) {
        writer.raw("{\"share_index\":")
        writer.integer(shareIndex)
        writer.raw(",\"key_ids\":")
        writer.base64(Self.keyIDBytes(keyIDs))
        writer.raw(",\"encryption_key_allocation\":")
        allocation.write(to: &writer)
        writer.raw(",\"encrypted_share_values\":")
        writer.base64(values)
        writer.raw("}")
    }

    static func read(_ reader: inout DirectWireReader) -> PackedShares? {
        var index: Int?, ids: UnsafeBufferPointer<UInt8>?, allocation: Allocation?, values: UnsafeBufferPointer<UInt8>?
        guard reader.object({ reader, key in
            if key.isKey("share_index") { return index.fill(reader.integer()) }
            if key.isKey("key_ids") { return ids.fill(reader.stringBytes()) }
            if key.isKey("encryption_key_allocation") { return allocation.fill(Allocation.read(&reader)) }
            if key.isKey("encrypted_share_values") { return values.fill(reader.stringBytes()) }
            return false
        }), let index, let ids, let allocation, let values,
              let idBytes = StrictBase64.decode(utf8: ids), let keyIDs = Self.keyIDs(idBytes),
              let valueBytes = StrictBase64.decode(utf8: values) else { return nil }
        return PackedShares(shareIndex: index, keyIDs: keyIDs, allocation: allocation, values: valueBytes)
    }
}
