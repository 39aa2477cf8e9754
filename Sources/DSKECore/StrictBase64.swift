/// Base64 exactly as Python's `base64.b64encode` writes it: standard alphabet, `=` padding, no
/// line breaks. Decoding accepts only that canonical spelling (no whitespace, no URL-safe
/// alphabet, no missing padding, zero bits in the last character's unused positions), so every
/// byte string has exactly one accepted text form and a signed message has one meaning.
public enum StrictBase64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    private static let invalid: UInt8 = 0xFF

    private static let decodeTable: [UInt8] = {
        var table = [UInt8](repeating: invalid, count: 256)
        for (value, symbol) in alphabet.enumerated() { table[Int(symbol)] = UInt8(value) }
        return table
    }()

    /// The number of characters `encode` produces for `count` bytes.
    public static func encodedLength(of count: Int) -> Int { (count + 2) / 3 * 4 }

    public static func encode<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String {
        if let text = bytes.withContiguousStorageIfAvailable({ encode(buffer: $0) }) { return text }
        return Array(bytes).withUnsafeBufferPointer { encode(buffer: $0) }
    }

    static func encode(buffer input: UnsafeBufferPointer<UInt8>) -> String {
        String(unsafeUninitializedCapacity: encodedLength(of: input.count)) { encode(buffer: input, into: $0) }
    }

    /// Writes the encoding of `input` at the start of `out` (at least `encodedLength` long) and
    /// answers its length.
    @discardableResult
    static func encode(buffer input: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>) -> Int {
        let count = input.count
        precondition(out.count >= encodedLength(of: count))
        return alphabet.withUnsafeBufferPointer { alphabet in
            var o = 0
            var i = 0
            while i + 3 <= count {
                let b0 = input[i], b1 = input[i + 1], b2 = input[i + 2]
                out[o] = alphabet[Int(b0 >> 2)]
                out[o + 1] = alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)]
                out[o + 2] = alphabet[Int((b1 & 0x0F) << 2 | b2 >> 6)]
                out[o + 3] = alphabet[Int(b2 & 0x3F)]
                i += 3
                o += 4
            }
            if i < count {
                let b0 = input[i]
                let b1: UInt8 = i + 1 < count ? input[i + 1] : 0
                out[o] = alphabet[Int(b0 >> 2)]
                out[o + 1] = alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)]
                out[o + 2] = i + 1 < count ? alphabet[Int((b1 & 0x0F) << 2)] : UInt8(ascii: "=")
                out[o + 3] = UInt8(ascii: "=")
                o += 4
            }
            return o
        }
    }

    /// Decodes the canonical form; `nil` for anything else.
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        var text = String(text)
        return text.withUTF8 { decode(utf8: $0) }
    }

    static func decode(utf8 input: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        let count = input.count
        guard count % 4 == 0 else { return nil }
        if count == 0 { return [] }
        var padding = 0
        if input[count - 1] == UInt8(ascii: "=") {
            padding = input[count - 2] == UInt8(ascii: "=") ? 2 : 1
        }
        let length = count / 4 * 3 - padding
        var valid = true
        // Written in place (no append per byte); an invalid text leaves an empty array behind.
        let out = [UInt8](unsafeUninitializedCapacity: length) { out, initialized in
            valid = decodeTable.withUnsafeBufferPointer { table in decode(input, padding: padding, table: table, into: out) }
            initialized = valid ? length : 0
        }
        return valid ? out : nil
    }

    @inline(__always)
    private static func decode(_ input: UnsafeBufferPointer<UInt8>, padding: Int, table: UnsafeBufferPointer<UInt8>,
                               into out: UnsafeMutableBufferPointer<UInt8>) -> Bool {
        let count = input.count
        var index = 0
        var o = 0
        let fullEnd = padding == 0 ? count : count - 4
        while index < fullEnd {
            let a = table[Int(input[index])], b = table[Int(input[index + 1])]
            let c = table[Int(input[index + 2])], d = table[Int(input[index + 3])]
            // Valid symbols are below 64, so any invalid one (0xFF) sets a high bit.
            guard (a | b | c | d) & 0xC0 == 0 else { return false }
            out[o] = a << 2 | b >> 4
            out[o + 1] = b << 4 | c >> 2
            out[o + 2] = c << 6 | d
            index += 4
            o += 3
        }
        if padding > 0 {
            let a = table[Int(input[index])], b = table[Int(input[index + 1])]
            guard a != invalid, b != invalid else { return false }
            out[o] = a << 2 | b >> 4
            if padding == 1 {
                let c = table[Int(input[index + 2])]
                guard c != invalid, c & 0x03 == 0 else { return false }
                out[o + 1] = b << 4 | c >> 2
            } else {
                guard b & 0x0F == 0 else { return false }
            }
        }
        return true
    }
}
