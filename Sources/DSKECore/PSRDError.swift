import Foundation

/// Everything that can go wrong when PSRD metadata is parsed or PSRD bytes are allocated or taken.
///
/// Each case carries enough context for a one-line message that tells an operator what happened;
/// none carries PSRD bytes.
public enum PSRDError: Error, Equatable, Sendable {
    /// A fragment or allocation string or object does not follow the canonical grammar.
    case malformedAllocation(String)
    /// A fragment names a block this pool does not hold (never had, or already deleted).
    case unknownBlock(UUID)
    /// A fragment reaches outside its block.
    case outOfBlockRange(block: UUID, start: Int, size: Int, blockSize: Int)
    /// Some byte of the range was already used (allocated, taken, or reserved before a restart).
    case alreadyUsed(block: UUID, start: Int, size: Int)
    /// The pool has fewer unused bytes than the allocation needs.
    case exhausted(requested: Int, available: Int)
    /// An allocation or take larger than the configured bound.
    case tooLarge(requested: Int, limit: Int)
    /// A block with this UUID is (or was once) in the pool: PSRD is never accepted twice.
    case duplicateBlock(UUID)
    /// The range lies below the replay window this node persisted before it last stopped without a
    /// clean close: it may have been accepted before the crash, so it never will be again. A
    /// sender that is merely behind can resume its allocations in this block at `resumeAt`.
    case belowReplayFloor(block: UUID, start: Int, size: Int, resumeAt: Int)
    /// The durable store failed (disk, database, closed store); nothing was handed out or taken.
    case storage(String)
}

extension PSRDError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .malformedAllocation(let why):
            return "malformed PSRD allocation: \(why)"
        case .unknownBlock(let uuid):
            return "unknown PSRD block \(uuid.lowercased)"
        case let .outOfBlockRange(block, start, size, blockSize):
            return "PSRD range \(start)+\(size) lies outside block \(block.lowercased) of \(blockSize) bytes"
        case let .alreadyUsed(block, start, size):
            return "PSRD range \(start)+\(size) of block \(block.lowercased) was already used"
        case let .exhausted(requested, available):
            return "PSRD pool exhausted: \(requested) bytes needed, \(available) available"
        case let .tooLarge(requested, limit):
            return "PSRD request of \(requested) bytes exceeds the limit of \(limit) bytes"
        case .duplicateBlock(let uuid):
            return "PSRD block \(uuid.lowercased) was already imported"
        case let .belowReplayFloor(block, start, size, resumeAt):
            return "PSRD range \(start)+\(size) of block \(block.lowercased) lies below the replay window "
                + "the receiver restarted with; resume at offset \(resumeAt)"
        case .storage(let why):
            return "PSRD storage failure: \(why)"
        }
    }
}
