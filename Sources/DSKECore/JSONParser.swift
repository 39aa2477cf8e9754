/// A strict RFC 8259 parser for bodies that come from the network. Compared with Foundation's
/// `JSONDecoder` it refuses duplicate member names (Python keeps the last, Foundation the first:
/// a parser differential on signed data), bounds nesting depth and number length, keeps member
/// order, and reports problems as `WireError` with a byte offset.
struct JSONParser {
    static let maxDepth = 64
    /// No legitimate number on this wire is longer; bounds the work `Double(text)` may do.
    static let maxNumberLength = 100

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    /// Where we are, for naming a duplicate key.
    private var path: [AnyCodingKey] = []

    private init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(WireError) -> JSONValue {
        var parser = JSONParser(bytes: bytes)
        parser.skipWhitespace()
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw parser.error("unexpected data after the JSON value") }
        return value
    }

    private func error(_ reason: String, at offset: Int? = nil) -> WireError {
        .malformedJSON(offset: offset ?? index, reason: reason)
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func parseValue(depth: Int) throws(WireError) -> JSONValue {
        guard index < bytes.count else { throw error("unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw error("unexpected character")
        }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(WireError) {
        let count = literal.utf8CodeUnitCount
        guard bytes.count - index >= count else { throw error("unexpected end of input") }
        for offset in 0..<count where bytes[index + offset] != literal.utf8Start[offset] {
            throw error("invalid literal")
        }
        index += count
    }

    private mutating func parseObject(depth: Int) throws(WireError) -> JSONValue {
        guard depth <= Self.maxDepth else { throw error("nesting deeper than \(Self.maxDepth) levels") }
        index += 1
        var object = JSONObject()
        // Wire objects have a handful of members: a linear search finds duplicates faster than
        // hashing every name; a set takes over for large objects, so hostile input stays linear.
        var seen: Set<String>?
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .object(object)
        }
        while true {
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of input in an object") }
            guard bytes[index] == UInt8(ascii: "\"") else { throw error("expected a member name in quotes") }
            let key = try parseString()
            let duplicate: Bool
            if object.count < 16 {
                duplicate = object.keys.contains(key)
            } else {
                if seen == nil { seen = Set(object.keys) }
                duplicate = !seen!.insert(key).inserted
            }
            guard !duplicate else {
                throw .duplicateKey(field: WireError.fieldPath(path + [AnyCodingKey(key)]))
            }
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':' after a member name") }
            index += 1
            skipWhitespace()
            path.append(AnyCodingKey(key))
            let value = try parseValue(depth: depth)
            path.removeLast()
            object.appendUnchecked(key, value)
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of input in an object") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
            } else if bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .object(object)
            } else {
                throw error("expected ',' or '}' in an object")
            }
        }
    }

    private mutating func parseArray(depth: Int) throws(WireError) -> JSONValue {
        guard depth <= Self.maxDepth else { throw error("nesting deeper than \(Self.maxDepth) levels") }
        index += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            path.append(AnyCodingKey(index: elements.count))
            elements.append(try parseValue(depth: depth))
            path.removeLast()
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of input in an array") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
            } else if bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array(elements)
            } else {
                throw error("expected ',' or ']' in an array")
            }
        }
    }

    private mutating func parseNumber() throws(WireError) -> JSONNumber {
        let length = JSONNumber.scanLength(bytes, from: index)
        guard length > 0 else { throw error("invalid number") }
        // A number must not run straight into more number-like characters ("01", "1.", "1e").
        let end = index + length
        if end < bytes.count {
            switch bytes[end] {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"),
                 UInt8(ascii: "+"), UInt8(ascii: "-"):
                throw error("invalid number", at: end)
            default: break
            }
        }
        guard length <= Self.maxNumberLength else { throw error("number longer than \(Self.maxNumberLength) characters") }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[index..<end]), as: UTF8.self)
        index = end
        return JSONNumber(validatedText: text)
    }

    private mutating func parseString() throws(WireError) -> String {
        let start = index
        index += 1
        var runStart = index
        // Only used once an escape appears; unescaped strings are validated in place.
        var decoded: [UInt8] = []
        var escaped = false
        while true {
            guard index < bytes.count else { throw error("unterminated string", at: start) }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let run = UnsafeBufferPointer(rebasing: bytes[runStart..<index])
                let text: String?
                if escaped {
                    decoded.append(contentsOf: run)
                    text = decoded.withUnsafeBufferPointer { Self.validString($0) }
                } else {
                    text = Self.validString(run)
                }
                guard let text else { throw error("string is not valid UTF-8", at: start) }
                index += 1
                return text
            }
            if byte < 0x20 { throw error("unescaped control character in a string") }
            if byte != UInt8(ascii: "\\") {
                index += 1
                continue
            }
            escaped = true
            decoded.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
            index += 1
            guard index < bytes.count else { throw error("unterminated string", at: start) }
            let escape = bytes[index]
            index += 1
            switch escape {
            case UInt8(ascii: "\""): decoded.append(0x22)
            case UInt8(ascii: "\\"): decoded.append(0x5C)
            case UInt8(ascii: "/"): decoded.append(0x2F)
            case UInt8(ascii: "b"): decoded.append(0x08)
            case UInt8(ascii: "f"): decoded.append(0x0C)
            case UInt8(ascii: "n"): decoded.append(0x0A)
            case UInt8(ascii: "r"): decoded.append(0x0D)
            case UInt8(ascii: "t"): decoded.append(0x09)
            case UInt8(ascii: "u"):
                var value = try parseHex4()
                if value >= 0xD800 && value < 0xDC00 {
                    guard bytes.count - index >= 6, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                        throw error("unpaired surrogate escape")
                    }
                    index += 2
                    let low = try parseHex4()
                    guard low >= 0xDC00 && low < 0xE000 else { throw error("unpaired surrogate escape") }
                    value = 0x10000 + (value - 0xD800) << 10 + (low - 0xDC00)
                } else if value >= 0xDC00 && value < 0xE000 {
                    throw error("unpaired surrogate escape")
                }
                guard let scalar = Unicode.Scalar(value) else { throw error("invalid \\u escape") }
                decoded.append(contentsOf: String(Character(scalar)).utf8)
            default:
                throw error("invalid escape sequence", at: index - 2)
            }
            runStart = index
        }
    }

    /// The string if the bytes are valid UTF-8. Decoding replaces invalid sequences with U+FFFD,
    /// so the result reproduces the input bytes exactly when, and only when, they were valid.
    /// (`String(validating:as:)` would say this directly but needs macOS 15.)
    static func validString(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        // ASCII (names, UUIDs, base64: nearly every string here) is valid UTF-8 as it is.
        if bytes.allSatisfy({ $0 < 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
        return String(validating: bytes, as: UTF8.self)
    }

    private mutating func parseHex4() throws(WireError) -> UInt32 {
        guard bytes.count - index >= 4 else { throw error("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - 0x30)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - 0x61 + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - 0x41 + 10)
            default: throw error("invalid \\u escape")
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }
}
