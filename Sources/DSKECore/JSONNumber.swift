/// A JSON number kept as its literal text, so that integers beyond 64 bits and decimals in
/// extension objects pass through unchanged. The text always follows the JSON grammar.
public struct JSONNumber: Sendable, Hashable, CustomStringConvertible {
    public let text: String

    /// Accepts text that follows RFC 8259's number grammar (no sign `+`, no leading zeros, no
    /// `NaN` or `Infinity`).
    public init?(_ text: String) {
        var copy = text
        let valid = copy.withUTF8 { JSONNumber.scanLength($0, from: 0) == $0.count }
        guard valid, !text.isEmpty else { return nil }
        self.text = text
    }

    public init<Integer: BinaryInteger>(_ value: Integer) { text = String(value) }

    /// `nil` for NaN and the infinities, which JSON cannot carry.
    public init?(_ value: Double) {
        guard value.isFinite else { return nil }
        text = "\(value)"
    }

    init(validatedText: String) { text = validatedText }

    /// The value if the literal is an integer (no fraction, no exponent) that fits the type.
    public func integer<Integer: FixedWidthInteger>(as type: Integer.Type = Int.self) -> Integer? {
        guard !text.utf8.contains(where: { $0 == UInt8(ascii: ".") || $0 | 0x20 == UInt8(ascii: "e") }) else {
            return nil
        }
        return Integer(text)
    }

    public var isInteger: Bool {
        !text.utf8.contains(where: { $0 == UInt8(ascii: ".") || $0 | 0x20 == UInt8(ascii: "e") })
    }

    /// The nearest finite `Double`, or `nil` when the literal is beyond its range.
    public var double: Double? {
        guard let value = Double(text), value.isFinite else { return nil }
        return value
    }

    public var description: String { text }

    /// Length of the longest prefix at `start` that is a JSON number, or 0 if there is none.
    static func scanLength(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var i = start
        let n = bytes.count
        func isDigit(_ at: Int) -> Bool { at < n && bytes[at] >= 0x30 && bytes[at] <= 0x39 }
        if i < n, bytes[i] == UInt8(ascii: "-") { i += 1 }
        guard isDigit(i) else { return 0 }
        if bytes[i] == 0x30 {
            i += 1
        } else {
            while isDigit(i) { i += 1 }
        }
        if i < n, bytes[i] == UInt8(ascii: "."), isDigit(i + 1) {
            i += 1
            while isDigit(i) { i += 1 }
        }
        if i < n, bytes[i] | 0x20 == UInt8(ascii: "e") {
            var j = i + 1
            if j < n, bytes[j] == UInt8(ascii: "+") || bytes[j] == UInt8(ascii: "-") { j += 1 }
            if isDigit(j) {
                while isDigit(j) { j += 1 }
                i = j
            }
        }
        return i - start
    }
}
