/// What VERIFY without data says about a reference (PIN or PUK), without spending a try.
public enum VerificationState: Equatable, Sendable {
    /// Verified in this session (9000).
    case verified
    /// Not verified; this many tries left (63Cx).
    case triesLeft(Int)
    /// Retry counter exhausted (6983).
    case blocked
    /// The card has no such reference data yet (6A88).
    case notSet
}
