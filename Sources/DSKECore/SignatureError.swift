/// Why a `DSKE-Signature` header value was refused. Never carries the tag or key bytes.
public enum SignatureError: Error, Equatable, Sendable {
    case empty
    /// Longer than any valid header (bounds parsing work on hostile input).
    case tooLong(length: Int, limit: Int)
    /// No `%` (or `;`) between the allocation and the tag.
    case missingSeparator
    /// More than one separator: the split would be ambiguous.
    case multipleSeparators(count: Int)
    /// The allocation part does not follow the canonical `uuid:start:size[,...]` grammar.
    case malformedAllocation(PSRDError)
    /// The tag part is not canonical base64.
    case malformedTag
    /// The tag decodes to a length no authenticator produces.
    case tagLength(actual: Int, allowed: ClosedRange<Int>)
}

extension SignatureError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .empty:
            return "DSKE-Signature is empty"
        case let .tooLong(length, limit):
            return "DSKE-Signature of \(length) bytes exceeds the limit of \(limit) bytes"
        case .missingSeparator:
            return "DSKE-Signature has no '%' between allocation and tag"
        case .multipleSeparators(let count):
            return "DSKE-Signature has \(count) separators ('%' or ';'), expected exactly one"
        case .malformedAllocation(let error):
            return "DSKE-Signature allocation: \(error)"
        case .malformedTag:
            return "DSKE-Signature tag is not canonical base64 (standard alphabet with '=' padding)"
        case let .tagLength(actual, allowed):
            return "DSKE-Signature tag of \(actual) bytes is outside \(allowed.lowerBound)...\(allowed.upperBound)"
        }
    }
}
