import Foundation

/// The wire spelling of UUIDs (lowercase, hyphenated, as Python's `str(uuid)`), written and read
/// without Foundation's `uuid_unparse`/`sscanf`: a batch of 128 keys spells about 2,000 UUIDs
/// per leg, and the C formatting routines were a visible share of a node's CPU time.
extension UUID {
    /// The canonical text form used on the wire: lowercase and hyphenated.
    public var lowercased: String {
        let value = uuid
        var text = [UInt8](repeating: UInt8(ascii: "-"), count: 36)
        withUnsafeBytes(of: value) { raw in
            var o = 0
            for i in 0..<16 {
                if i == 4 || i == 6 || i == 8 || i == 10 { o += 1 }
                text[o] = Self.hexDigits[Int(raw[i] >> 4)]
                text[o + 1] = Self.hexDigits[Int(raw[i] & 0x0F)]
                o += 2
            }
        }
        return String(decoding: text, as: UTF8.self)
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

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    static func parseCanonical(_ text: UnsafeBufferPointer<UInt8>) -> uuid_t? {
        guard text.count == 36 else { return nil }
        var value: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        let valid = withUnsafeMutableBytes(of: &value) { out -> Bool in
            var i = 0
            for o in 0..<16 {
                if i == 8 || i == 13 || i == 18 || i == 23 {
                    guard text[i] == UInt8(ascii: "-") else { return false }
                    i += 1
                }
                guard let high = nibble(text[i]), let low = nibble(text[i + 1]) else { return false }
                out[o] = high << 4 | low
                i += 2
            }
            return true
        }
        return valid ? value : nil
    }

    private static func nibble(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}
