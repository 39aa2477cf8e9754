/// One BER-TLV data object (ISO 7816-4 section 6), with one- or two-byte tags and definite
/// lengths up to 65535: what FCP/FCI templates and the odd-INS offset and data objects use.
public struct BERTLV: Equatable, Sendable {
    public var tag: UInt16
    public var value: [UInt8]

    public init(tag: UInt16, value: [UInt8]) {
        self.tag = tag
        self.value = value
    }

    public var encoded: [UInt8] {
        var out: [UInt8] = tag > 0xFF ? [UInt8(tag >> 8), UInt8(tag & 0xFF)] : [UInt8(tag)]
        out += BERTLV.lengthBytes(value.count)
        return out + value
    }

    static func lengthBytes(_ n: Int) -> [UInt8] {
        if n < 0x80 { return [UInt8(n)] }
        if n <= 0xFF { return [0x81, UInt8(n)] }
        return [0x82, UInt8(n >> 8), UInt8(n & 0xFF)]
    }

    /// Parses a sequence of data objects; throws on truncation or unsupported length forms.
    public static func parse(_ bytes: [UInt8]) throws(PCSCError) -> [BERTLV] {
        var out: [BERTLV] = []
        var i = 0
        while i < bytes.count {
            var tag = UInt16(bytes[i])
            i += 1
            if tag & 0x1F == 0x1F {
                guard i < bytes.count else { throw .malformedResponse("truncated TLV tag") }
                tag = tag << 8 | UInt16(bytes[i])
                i += 1
            }
            guard i < bytes.count else { throw .malformedResponse("TLV tag without length") }
            var length = Int(bytes[i])
            i += 1
            if length == 0x81 || length == 0x82 {
                let width = length - 0x80
                guard i + width <= bytes.count else { throw .malformedResponse("truncated TLV length") }
                length = bytes[i..<(i + width)].reduce(0) { $0 << 8 | Int($1) }
                i += width
            } else if length > 0x7F {
                throw .malformedResponse("unsupported TLV length form 0x\(String(length, radix: 16))")
            }
            guard i + length <= bytes.count else {
                throw .malformedResponse("TLV value of \(length) bytes runs past the end")
            }
            out.append(BERTLV(tag: tag, value: Array(bytes[i..<(i + length)])))
            i += length
        }
        return out
    }
}

extension Array where Element == BERTLV {
    /// The value of the first object with this tag.
    public func value(_ tag: UInt16) -> [UInt8]? { first { $0.tag == tag }?.value }
}
