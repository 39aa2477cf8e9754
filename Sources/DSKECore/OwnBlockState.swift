import Foundation

/// The accounting of one block in a pool this node allocates from.
///
/// Allocation is strictly sequential: a cursor moves forward and never back. That keeps the
/// durable state to one number per block (the cursor, or a mark above it) and makes "bytes
/// skipped after a crash are never handed out" a matter of starting the cursor at the mark.
public struct OwnBlockState: Hashable, Sendable {
    public let uuid: UUID
    public let size: Int
    /// Next byte to hand out; everything below it is used (handed out or skipped).
    public private(set) var cursor: Int

    /// A block whose bytes below `cursor` must never be handed out (0 for a fresh block, the
    /// persisted reserve mark after a restart).
    public init(uuid: UUID, size: Int, cursor: Int = 0) {
        precondition(size > 0 && cursor >= 0, "block size must be positive and cursor non-negative")
        self.uuid = uuid
        self.size = size
        self.cursor = min(cursor, size)
    }

    public var unusedBytes: Int { size - cursor }
    public var isFullyUsed: Bool { cursor == size }

    /// The range the next allocation of up to `wanted` bytes would get (possibly shorter at the
    /// end of the block, empty when the block is used up). Does not change the state.
    public func nextRange(upTo wanted: Int) -> Range<Int> {
        cursor..<(cursor + min(wanted, unusedBytes))
    }

    /// Marks everything below `offset` as used. Moving backwards is ignored: a byte once counted
    /// as used stays used.
    public mutating func advance(to offset: Int) {
        cursor = max(cursor, min(offset, size))
    }
}
