import Foundation

/// The wire spelling of UUIDs (lowercase, hyphenated, as Python's `str(uuid)`), written and read
/// without Foundation's `uuid_unparse`/`sscanf`: a batch of 128 keys spells about 2,000 UUIDs
/// per leg, and the C formatting routines were a visible share of a node's CPU time.
extension UUID {
    /// The canonical text form used on the wire: lowercase and hyphenated.
    public var lowercased: String {
        String(unsafeUninitializedCapacity: 36) { Self.writeCanonical(uuid, into: $0) }
    }

    /// Writes the 36 characters of `lowercased` at the start of `out` (which holds at least 36)
    /// and answers 36. No intermediate array or string: the writers of batch messages call this
    /// for every key ID and block UUID.
    @inline(__always)
    static func writeCanonical(_ value: uuid_t, into out: UnsafeMutableBufferPointer<UInt8>) -> Int {
        precondition(out.count >= 36)
        withUnsafeBytes(of: value) { raw in
            var o = 0
            for i in 0..<16 {
                if i == 4 || i == 6 || i == 8 || i == 10 {
                    out[o] = UInt8(ascii: "-")
                    o += 1
                }
                out[o] = hexDigit(raw[i] >> 4)
                out[o + 1] = hexDigit(raw[i] & 0x0F)
                o += 2
            }
        }
        return 36
    }

    @inline(__always)
    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") - 10 + nibble
    }

    /// Parses only the canonical form (36 characters, lowercase hex digits, hyphens after the
    /// 8th, 12th, 16th and 20th digit): the same texts `UUID(uuidString:)` accepts and
    /// `lowercased` gives back unchanged.
    public init?(canonical text: some StringProtocol) {
        let parsed: uuid_t?? = text.utf8.withContiguousStorageIfAvailable { Self.parseCanonical($0) }
        if let parsed {
            guard let value = parsed else { return nil }
            self.init(uuid: value)
        } else {
            guard let value = Array(text.utf8).withUnsafeBufferPointer({ Self.parseCanonical($0) }) else { return nil }
            self.init(uuid: value)
        }
    }

    static func parseCanonical(_ text: UnsafeBufferPointer<UInt8>) -> uuid_t? {
        parse(text, upperCase: false)
    }

    /// Parses the hyphenated form in either case (`ETSIKeyID`'s `decodeAnyCaseUUID`): 36
    /// characters, hex digits of any case, hyphens after the 8th, 12th, 16th and 20th digit.
    /// `UUID(uuidString:)` accepts these and, through `sscanf`, some odder spellings too; callers
    /// leave those to it.
    static func parseHyphenated(_ text: UnsafeBufferPointer<UInt8>) -> uuid_t? {
        parse(text, upperCase: true)
    }

    @inline(__always)
    private static func parse(_ text: UnsafeBufferPointer<UInt8>, upperCase: Bool) -> uuid_t? {
        guard text.count == 36, text[8] == UInt8(ascii: "-"), text[13] == UInt8(ascii: "-"),
              text[18] == UInt8(ascii: "-"), text[23] == UInt8(ascii: "-") else { return nil }
        var value: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        // Any invalid character sets bit 4 of `invalid` (nibble answers 0x10 for it).
        var invalid: UInt8 = 0
        withUnsafeMutableBytes(of: &value) { out in
            for o in 0..<16 {
                // Byte o's two digits start at 2o, plus one for each hyphen before them.
                let i = 2 &* o &+ (o >= 4 ? 1 : 0) &+ (o >= 6 ? 1 : 0) &+ (o >= 8 ? 1 : 0) &+ (o >= 10 ? 1 : 0)
                let high = nibble(text[i], upperCase: upperCase), low = nibble(text[i &+ 1], upperCase: upperCase)
                invalid |= high | low
                out[o] = high << 4 | low & 0x0F
            }
        }
        return invalid & 0x10 == 0 ? value : nil
    }

    /// The value of a hex digit, or 0x10 for anything else.
    @inline(__always)
    private static func nibble(_ character: UInt8, upperCase: Bool) -> UInt8 {
        let digit = character &- UInt8(ascii: "0")
        if digit < 10 { return digit }
        let lower = character &- UInt8(ascii: "a")
        if lower < 6 { return lower + 10 }
        if upperCase {
            let upper = character &- UInt8(ascii: "A")
            if upper < 6 { return upper + 10 }
        }
        return 0x10
    }
}
