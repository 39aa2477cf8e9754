import Foundation

/// The accounting of a pool the peer allocates from and this node takes from.
///
/// A take names its ranges; it is accepted whole or refused whole, so that a refused message
/// never burns part of the pool. Blocks the peer has used up are dropped but remembered, so that
/// a replayed range in them is reported as used rather than as an unknown block.
public struct PeerPoolState: Sendable {
    public private(set) var blocks: [UUID: PeerBlockState] = [:]
    public private(set) var unusedBytes = 0
    public private(set) var totalBytes = 0
    /// Used-up blocks and why they are used up.
    private var retired: [UUID: Retirement] = [:]

    private enum Retirement: Sendable {
        /// Every byte was taken in this run: naming one again is a replay.
        case takenUp
        /// Used up by a restart floor (or before this run): a sender may just be behind.
        case restartFloor(size: Int)
    }

    public init() {}

    /// Adds a block (a fully used one is only remembered as retired).
    public mutating func add(_ block: PeerBlockState) {
        guard !block.isFullyUsed else {
            retired[block.uuid] = block.restartFloor == block.size ? .restartFloor(size: block.size) : .takenUp
            return
        }
        blocks[block.uuid] = block
        unusedBytes += block.unusedBytes
        totalBytes += block.size
    }

    /// Remembers a block that was used up before this run (its bytes are gone).
    public mutating func addRetired(_ uuid: UUID, size: Int) {
        retired[uuid] = .restartFloor(size: size)
    }

    /// Throws unless every fragment of `allocation` lies in a held block and is unused, and the
    /// whole allocation is at most `limit` bytes.
    public func check(_ allocation: Allocation, limit: Int) throws(PSRDError) {
        // Allocation refuses sizes whose sum overflows, so `size` is safe here.
        let total = allocation.size
        guard total <= limit else { throw .tooLarge(requested: total, limit: limit) }
        for fragment in allocation.fragments {
            guard let block = blocks[fragment.blockUUID] else {
                switch retired[fragment.blockUUID] {
                case .none:
                    throw .unknownBlock(fragment.blockUUID)
                case .restartFloor(let size)?:
                    throw .belowReplayFloor(block: fragment.blockUUID, start: fragment.start,
                                            size: fragment.size, resumeAt: size)
                case .takenUp?:
                    throw .alreadyUsed(block: fragment.blockUUID, start: fragment.start, size: fragment.size)
                }
            }
            try block.check(start: fragment.start, size: fragment.size)
        }
    }

    /// Records a checked allocation as taken. Returns the blocks it used up, which are dropped.
    @discardableResult
    public mutating func commit(_ allocation: Allocation) -> [PeerBlockState] {
        var usedUp: [PeerBlockState] = []
        for fragment in allocation.fragments {
            guard let i = blocks.index(forKey: fragment.blockUUID) else {
                preconditionFailure("commit of an allocation that was not checked")
            }
            blocks.values[i].markTaken(start: fragment.start, size: fragment.size)
            unusedBytes -= fragment.size
            let block = blocks.values[i]
            if block.isFullyUsed {
                blocks.remove(at: i)
                totalBytes -= block.size
                retired[block.uuid] = .takenUp
                usedUp.append(block)
            }
        }
        return usedUp
    }
}
