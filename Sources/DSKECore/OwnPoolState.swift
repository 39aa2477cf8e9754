import Foundation

/// The accounting of a pool this node allocates from: its blocks in the order they arrived.
///
/// Allocation is first-fit over that order, like the reference, which with sequential cursors
/// means: finish the oldest block, then continue in the next. An allocation that crosses a block
/// end gets one fragment per block. Both the in-memory pool and the durable store use this type,
/// so the allocation rules exist once.
public struct OwnPoolState: Sendable {
    /// Blocks with unused bytes, oldest first. Fully used blocks are dropped.
    public private(set) var blocks: [OwnBlockState] = []
    public private(set) var unusedBytes = 0
    public private(set) var totalBytes = 0

    public init() {}

    /// Adds a block at the end of the allocation order (a fully used one is not kept).
    public mutating func add(_ block: OwnBlockState) {
        guard !block.isFullyUsed else { return }
        blocks.append(block)
        unusedBytes += block.unusedBytes
        totalBytes += block.size
    }

    public func block(_ uuid: UUID) -> OwnBlockState? { blocks.first { $0.uuid == uuid } }

    /// The allocation of `size` bytes the pool would hand out next, without changing the state.
    public func plan(size: Int) throws(PSRDError) -> Allocation {
        guard size > 0 else { throw .malformedAllocation("allocation size must be positive, got \(size)") }
        guard size <= unusedBytes else { throw .exhausted(requested: size, available: unusedBytes) }
        var fragments: [Fragment] = []
        var remaining = size
        for block in blocks where remaining > 0 {
            let range = block.nextRange(upTo: remaining)
            guard !range.isEmpty else { continue }
            fragments.append(try Fragment(blockUUID: block.uuid, start: range.lowerBound, size: range.count))
            remaining -= range.count
        }
        return try Allocation(fragments: fragments)
    }

    /// Marks a planned allocation as handed out. Returns the blocks it used up, which are dropped.
    @discardableResult
    public mutating func commit(_ allocation: Allocation) -> [OwnBlockState] {
        for fragment in allocation.fragments {
            advance(block: fragment.blockUUID, to: fragment.end)
        }
        return dropUsedUp()
    }

    /// Moves a block's cursor forward (never back), e.g. when the receiver reported that it
    /// restarted with a replay floor above it. Returns the blocks used up, which are dropped.
    @discardableResult
    public mutating func skip(block uuid: UUID, to offset: Int) -> [OwnBlockState] {
        advance(block: uuid, to: offset)
        return dropUsedUp()
    }

    private mutating func advance(block uuid: UUID, to offset: Int) {
        guard let i = blocks.firstIndex(where: { $0.uuid == uuid }) else { return }
        let before = blocks[i].cursor
        blocks[i].advance(to: offset)
        unusedBytes -= blocks[i].cursor - before
    }

    private mutating func dropUsedUp() -> [OwnBlockState] {
        guard blocks.contains(where: \.isFullyUsed) else { return [] }
        let used = blocks.filter(\.isFullyUsed)
        blocks.removeAll(where: \.isFullyUsed)
        totalBytes -= used.reduce(0) { $0 + $1.size }
        return used
    }
}
