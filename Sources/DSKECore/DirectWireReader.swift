import Foundation

/// One pass over a batch message's bytes that builds the message without a `JSONValue` tree
/// (5 hubs x 128 shares per batch made that tree a sixth of a client's CPU). It accepts a strict
/// subset of JSON: known members in any order, each once; strings of printable ASCII without
/// escapes; non-negative integers without sign, fraction or exponent. Anything else answers nil
/// and the caller parses and decodes as before, so every refusal keeps its error.
struct DirectWireReader {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0

    private init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// The value `body` reads, if it is all of `bytes` but whitespace.
    static func read<T>(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (inout DirectWireReader) -> T?) -> T? {
        var reader = DirectWireReader(bytes)
        guard let value = body(&reader) else { return nil }
        reader.skipWhitespace()
        return reader.position == bytes.count ? value : nil
    }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    private mutating func consume(_ byte: UInt8) -> Bool {
        skipWhitespace()
        guard position < bytes.count, bytes[position] == byte else { return false }
        position += 1
        return true
    }

    /// A string's bytes (a view into the input).
    mutating func stringBytes() -> UnsafeBufferPointer<UInt8>? {
        guard consume(0x22) else { return nil }
        let start = position
        while position < bytes.count {
            let byte = bytes[position]
            if byte == 0x22 {
                position += 1
                return UnsafeBufferPointer(rebasing: bytes[start..<position - 1])
            }
            guard byte >= 0x20, byte < 0x7F, byte != 0x5C else { return nil }
            position += 1
        }
        return nil
    }

    mutating func string() -> String? { stringBytes().map { String(decoding: $0, as: UTF8.self) } }

    /// `decodeCanonicalUUID`.
    mutating func canonicalUUID() -> UUID? { stringBytes().flatMap(UUID.parseCanonical).map { UUID(uuid: $0) } }

    /// A hyphenated UUID of either letter case (`decodeAnyCaseUUID` for the plain spellings).
    mutating func hyphenatedUUID() -> UUID? { stringBytes().flatMap(UUID.parseHyphenated).map { UUID(uuid: $0) } }

    /// Up to 15 digits, no leading zero: what follows (a fraction, say) fails the caller's next read.
    mutating func integer() -> Int? {
        skipWhitespace()
        let start = position
        var value = 0
        while position < bytes.count, position - start < 16, case 0x30...0x39 = bytes[position] {
            value = value * 10 + Int(bytes[position] - 0x30)
            position += 1
        }
        let digits = position - start
        guard (1...15).contains(digits), digits == 1 || bytes[start] != 0x30 else { return nil }
        return value
    }

    /// `true` or `false`.
    mutating func boolean() -> Bool? {
        skipWhitespace()
        for (word, value) in [("true", true), ("false", false)] {
            let utf8 = word.utf8
            guard bytes.count - position >= utf8.count,
                  bytes[position..<(position + utf8.count)].elementsEqual(utf8) else { continue }
            position += utf8.count
            return value
        }
        return nil
    }

    /// An object's members: `member` reads the value of each key and answers false to give up.
    mutating func object(_ member: (inout DirectWireReader, UnsafeBufferPointer<UInt8>) -> Bool) -> Bool {
        guard consume(0x7B) else { return false }
        if consume(0x7D) { return true }
        repeat {
            guard let key = stringBytes(), consume(0x3A), member(&self, key) else { return false }
        } while consume(0x2C)
        return consume(0x7D)
    }

    /// An array of at most `limit` elements.
    mutating func array<T>(limit: Int, _ element: (inout DirectWireReader) -> T?) -> [T]? {
        guard consume(0x5B) else { return nil }
        var list: [T] = []
        if consume(0x5D) { return list }
        repeat {
            guard list.count < limit, let item = element(&self) else { return nil }
            list.append(item)
        } while consume(0x2C)
        return consume(0x5D) ? list : nil
    }
}

extension Optional {
    /// Fills an empty slot for a member; false for a repeated member or a value that did not read.
    mutating func fill(_ value: Wrapped?) -> Bool {
        guard self == nil, let value else { return false }
        self = value
        return true
    }
}

extension UnsafeBufferPointer<UInt8> {
    /// One `memcmp` (each member of each share is compared with up to four names).
    func isKey(_ name: StaticString) -> Bool {
        guard count == name.utf8CodeUnitCount else { return false }
        guard let base = baseAddress else { return count == 0 }
        return memcmp(base, name.utf8Start, count) == 0
    }
}
