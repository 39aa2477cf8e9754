/// How much PSRD one pool holds: what a node reports in its status and what refill decisions use.
public struct PoolLevel: Hashable, Sendable, Codable {
    /// The other node of the pair (client or hub name).
    public let peer: String
    /// Who allocates from this pool.
    public let owner: PoolOwner
    /// Blocks held (fully used blocks are dropped and not counted).
    public let blocks: Int
    /// Sum of the sizes of the blocks held.
    public let totalBytes: Int
    /// Bytes not yet used (nor skipped after a restart).
    public let unusedBytes: Int

    public init(peer: String, owner: PoolOwner, blocks: Int, totalBytes: Int, unusedBytes: Int) {
        self.peer = peer
        self.owner = owner
        self.blocks = blocks
        self.totalBytes = totalBytes
        self.unusedBytes = unusedBytes
    }
}
