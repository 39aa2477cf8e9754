/// The `DSKE-Signature` HTTP header: which PSRD bytes keyed the MAC, and the MAC itself.
///
/// Text form `<allocation>%<base64 tag>`, e.g.
/// `b6ed2299-ba1e-4947-8c30-07aec0247518:16:32%dbCcXZLz3shLzMxwKgdDbJt6fq1nhrY2R6+xPBItpIk=`.
/// The reference's running code separates with `%`, its prose with `;`: we emit `%` and accept
/// both. Parsing is strict (canonical allocation, canonical base64, one separator, bounded size)
/// so a header has exactly one meaning; checking the tag is the authenticator's job and must be
/// constant-time (`==` here is not).
public struct DSKESignature: Sendable, Hashable {
    public static let headerName = "DSKE-Signature"

    /// HMAC-SHA256 tags are 32 bytes and Poly1305 tags 16; 64 leaves room for a longer MAC.
    public static let tagLengthRange = 16...64

    /// The longest header a valid signature can have: a maximal allocation, one separator, and
    /// the base64 of a maximal tag.
    public static let maxHeaderLength = Allocation.maxFragments * 76 + 1
        + StrictBase64.encodedLength(of: tagLengthRange.upperBound)

    public let allocation: Allocation
    public let tag: [UInt8]

    public init(allocation: Allocation, tag: [UInt8]) {
        self.allocation = allocation
        self.tag = tag
    }

    public init(headerValue: String) throws(SignatureError) {
        if let canonical = Self.direct(headerValue) {
            self = canonical
        } else {
            self = try Self(checking: headerValue)
        }
    }

    /// The definition of what a header may be (`direct` is its fast path for the canonical form).
    init(checking headerValue: String) throws(SignatureError) {
        let utf8 = headerValue.utf8
        guard !utf8.isEmpty else { throw .empty }
        guard utf8.count <= Self.maxHeaderLength else { throw .tooLong(length: utf8.count, limit: Self.maxHeaderLength) }
        let separators = utf8.indices.filter { utf8[$0] == UInt8(ascii: "%") || utf8[$0] == UInt8(ascii: ";") }
        guard let separator = separators.first else { throw .missingSeparator }
        guard separators.count == 1 else { throw .multipleSeparators(count: separators.count) }
        do {
            allocation = try Allocation(encoded: headerValue[..<separator])
        } catch {
            throw .malformedAllocation(error)
        }
        guard let tag = StrictBase64.decode(headerValue[headerValue.index(after: separator)...]) else {
            throw .malformedTag
        }
        guard Self.tagLengthRange.contains(tag.count) else {
            throw .tagLength(actual: tag.count, allowed: Self.tagLengthRange)
        }
        self.tag = tag
    }

    /// The canonical header value, with `%` as separator.
    public var headerValue: String { directHeaderValue }
}

extension DSKESignature: CustomStringConvertible {
    /// The header value; the tag is a MAC over public data, not a secret.
    public var description: String { headerValue }
}
