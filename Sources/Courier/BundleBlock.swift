import DSKECore
import Foundation

/// One PSRD block carried by a bundle. The payload is the blocks' bytes in header order.
public struct BundleBlock: Sendable, Hashable, Codable {
    public let uuid: UUID
    /// Which side of the pair allocates from this block.
    public let owner: PoolOwner
    public let size: Int

    public init(uuid: UUID, owner: PoolOwner, size: Int) {
        self.uuid = uuid
        self.owner = owner
        self.size = size
    }

    private enum CodingKeys: String, CodingKey { case uuid, owner, size }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        uuid = try container.decodeLowercaseUUID(forKey: .uuid)
        owner = try container.decode(PoolOwner.self, forKey: .owner)
        size = try container.decodeInteger(forKey: .size, in: 1...BundleFormat.maxPayloadSize)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(uuid.lowercased, forKey: .uuid)
        try container.encode(owner.rawValue, forKey: .owner)
        try container.encode(size, forKey: .size)
    }
}
