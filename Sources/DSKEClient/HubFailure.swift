import DSKECore
import Foundation

/// Why one hub did not do its part of a scatter or gather. Judged per hub: a key needs only k
/// hubs, so one failure is logged and counted, not fatal.
enum HubFailure: Error, Sendable, Equatable {
    /// Not registered yet, or known to be down (no answer to the last request or probe).
    case unavailable(String)
    /// Transport failure or timeout on this request.
    case unreachable(String)
    /// The hub holds no share for the key (never posted, already delivered, expired).
    case notFound
    /// The hub refuses this client the share: the caller is not the slave named at Get key, or
    /// the SAE IDs do not match the key.
    case notAllowed(String)
    /// One of the two PSRD pools of the pair cannot cover the message: the one `owner` allocates
    /// from (this client's view, or the hub's answer). When the hub says so, `needed` and
    /// `available` are the bytes of the allocation that failed and what its pool had left.
    case psrdExhausted(PoolOwner, needed: Int = 0, available: Int = 0)
    /// The hub restarted after a crash and counts the client-owned PSRD below `resumeAt` in
    /// `block` as used: this client must skip there (then the message can be sent again).
    case behindReplayFloor(block: UUID, resumeAt: Int)
    /// The hub keyed its answer (MAC key or pad) from a hub-owned block this client does not hold:
    /// one it retired as used after a crash, or one whose delivery a crash interrupted. The hub
    /// must be told to leave that block (resume extension).
    case unknownHubBlock(UUID)
    /// The hub answered with another error status.
    case refused(status: Int, message: String)
    /// The answer was unsigned, wrongly signed, malformed, or named unusable PSRD.
    case badResponse(String)
    /// This node failed (its store).
    case local(String)

    /// Whether the share might still be obtained later (the key cannot be counted as gone).
    var isTransient: Bool {
        switch self {
        case .notFound, .notAllowed: false
        default: true
        }
    }
}

extension HubFailure: CustomStringConvertible {
    var description: String {
        switch self {
        case .unavailable(let why): "unavailable: \(why)"
        case .unreachable(let why): "unreachable: \(why)"
        case .notFound: "no share for the key"
        case .notAllowed(let why): "refused: \(why)"
        case let .behindReplayFloor(block, resumeAt):
            "the hub restarted beyond offset \(resumeAt) of PSRD block \(block.lowercased)"
        case .unknownHubBlock(let block): "the hub used hub-owned PSRD block \(block.lowercased), which this client does not hold"
        case .psrdExhausted(let owner, _, _): "the \(owner.rawValue)-owned PSRD pool is exhausted"
        case let .refused(status, message): "answered \(status): \(message)"
        case .badResponse(let why): "bad answer: \(why)"
        case .local(let why): "local failure: \(why)"
        }
    }
}
