/// Why a split or a reconstruction was refused. Messages name counts and indices, never share
/// or secret bytes.
public enum ShamirError: Error, Sendable, Equatable, CustomStringConvertible {
    /// k must satisfy 1 <= k <= n (n = the share count of a split, or 16 for a reconstruction).
    case thresholdOutOfRange(threshold: Int, shareCount: Int)
    /// More than `Shamir.maxShareCount` shares requested or given.
    case tooManyShares(count: Int)
    /// Secrets (and so share values) shorter than `Shamir.minSecretSize` bytes.
    case secretTooShort(length: Int)
    /// Fewer shares given than the threshold.
    case notEnoughShares(count: Int, threshold: Int)
    /// Two shares claim the same x coordinate.
    case duplicateIndex(UInt8)
    /// x = 254 and x = 255 hold the digest and the secret; no share may claim them.
    case reservedIndex(UInt8)
    /// Share values of different lengths.
    case lengthMismatch(expected: Int, found: Int)
    /// The shares interpolate to a secret whose digest does not verify: some share is wrong.
    case digestMismatch
    /// With threshold 1 every share is the secret itself, and the given shares differ.
    case sharesDisagree
    /// Robust reconstruction: no `threshold` of the shares rebuild a secret that verifies.
    case notEnoughConsistentShares(shareCount: Int, threshold: Int)
    /// Robust reconstruction: two different secrets are each backed by `support` shares.
    case ambiguousShares(support: Int)

    public var description: String {
        switch self {
        case let .thresholdOutOfRange(threshold, shareCount):
            "Shamir threshold \(threshold) is out of range: it must be between 1 and \(shareCount)"
        case let .tooManyShares(count):
            "\(count) Shamir shares is too many: at most \(Shamir.maxShareCount) are supported"
        case let .secretTooShort(length):
            "a Shamir secret of \(length) bytes is too short: at least \(Shamir.minSecretSize) bytes are required"
        case let .notEnoughShares(count, threshold):
            "\(count) Shamir shares are not enough: the threshold is \(threshold)"
        case let .duplicateIndex(index):
            "two Shamir shares have the same index \(index)"
        case let .reservedIndex(index):
            "Shamir share index \(index) is reserved (254 holds the digest, 255 the secret)"
        case let .lengthMismatch(expected, found):
            "Shamir share values differ in length (\(expected) and \(found) bytes)"
        case .digestMismatch:
            "the Shamir shares rebuild a secret whose digest does not verify: at least one share is wrong or tampered with"
        case .sharesDisagree:
            "with threshold 1 every Shamir share is the secret, but the given shares differ"
        case let .notEnoughConsistentShares(shareCount, threshold):
            "no \(threshold) of the \(shareCount) Shamir shares rebuild a secret whose digest verifies: fewer than \(threshold) shares are intact"
        case let .ambiguousShares(support):
            "two different secrets are each consistent with \(support) Shamir shares: cannot tell the intact shares from the tampered ones"
        }
    }
}
