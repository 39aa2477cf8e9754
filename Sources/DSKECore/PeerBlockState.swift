import Foundation

/// The accounting of one block in a pool the peer allocates from and this node takes from.
///
/// The peer names the ranges, possibly out of order (the reference allocates first-fit and gives
/// ranges back on its error paths), so the state is a floor (everything below it is used) plus
/// the ranges taken above it. After a restart of a durable store the floor is the persisted replay
/// window mark: `restartFloor` remembers it so that a sender that is merely behind gets told where
/// to resume instead of a bare "already used".
public struct PeerBlockState: Hashable, Sendable {
    public let uuid: UUID
    public let size: Int
    /// Everything below this offset counts as used.
    public private(set) var floor: Int
    /// The floor this block was opened with after a restart (0 if it was closed cleanly or new).
    public let restartFloor: Int
    /// Ranges taken at or above `floor`.
    public private(set) var taken: IntervalSet
    public private(set) var usedBytes: Int

    public init(uuid: UUID, size: Int, floor: Int = 0, restartFloor: Int = 0, taken: IntervalSet = IntervalSet()) {
        precondition(size > 0 && floor >= 0, "block size must be positive and floor non-negative")
        self.uuid = uuid
        self.size = size
        self.floor = min(floor, size)
        self.restartFloor = min(restartFloor, size)
        var above = taken
        above.removeAll(below: self.floor)
        self.taken = IntervalSet(above.ranges.map { $0.clamped(to: 0..<size) })
        self.usedBytes = 0
        normalize()
        usedBytes = self.floor + self.taken.count
    }

    public var unusedBytes: Int { size - usedBytes }
    public var isFullyUsed: Bool { usedBytes == size }

    /// Throws unless every byte of `start..<start+size` lies in the block and is unused.
    public func check(start: Int, size length: Int) throws(PSRDError) {
        guard start <= size - length else {
            throw .outOfBlockRange(block: uuid, start: start, size: length, blockSize: size)
        }
        if start < restartFloor {
            throw .belowReplayFloor(block: uuid, start: start, size: length, resumeAt: restartFloor)
        }
        if start < floor || taken.overlaps(start..<(start + length)) {
            throw .alreadyUsed(block: uuid, start: start, size: length)
        }
    }

    /// Records a range as taken. The caller has checked it (`check`); an unchecked overlap would
    /// corrupt the used-byte count, hence the precondition.
    public mutating func markTaken(start: Int, size length: Int) {
        let range = start..<(start + length)
        precondition(range.lowerBound >= floor && range.upperBound <= size && !taken.overlaps(range),
                     "markTaken on a range that was not checked")
        taken.insert(range)
        usedBytes += length
        normalize()
    }

    /// The smallest offset at or above which nothing has been taken: the replay window must reach
    /// at least this far for the state to survive a crash.
    public var highWater: Int { taken.upperBound ?? floor }

    private mutating func normalize() {
        while let prefix = taken.popPrefix(startingAt: floor) { floor = prefix.upperBound }
    }
}
