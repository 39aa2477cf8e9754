import Foundation

/// The header on the hot path: every share message and every answer carries one, and a node
/// parsed and spelled it through `split`, `Substring`s and string interpolation (2-3% of a
/// client's CPU with 8 encryptor pairs at once). The checked parser in `init(headerValue:)` stays
/// the definition: the reader here takes the canonical form only (`%` separator, canonical
/// fragments, canonical base64) and answers nil for anything else, which the checked parser then
/// reads or refuses with its precise error. The writer spells exactly what
/// `allocation.encoded + "%" + StrictBase64.encode(tag)` spells (tested).
extension DSKESignature {
    /// The signature of a canonical header value; nil for any other text.
    static func direct(_ headerValue: String) -> DSKESignature? {
        var text = headerValue
        return text.withUTF8 { read($0) }
    }

    private static func read(_ bytes: UnsafeBufferPointer<UInt8>) -> DSKESignature? {
        guard !bytes.isEmpty, bytes.count <= maxHeaderLength else { return nil }
        var fragments: [Fragment] = []
        var i = 0
        while true {
            guard bytes.count - i > 36, let uuid = UUID.parseCanonical(UnsafeBufferPointer(rebasing: bytes[i..<(i + 36)])),
                  bytes[i + 36] == UInt8(ascii: ":") else { return nil }
            i += 37
            guard let start = decimal(bytes, &i), i < bytes.count, bytes[i] == UInt8(ascii: ":") else { return nil }
            i += 1
            guard let size = decimal(bytes, &i), i < bytes.count,
                  let fragment = try? Fragment(blockUUID: UUID(uuid: uuid), start: start, size: size) else { return nil }
            fragments.append(fragment)
            i += 1
            if bytes[i - 1] == UInt8(ascii: "%") { break }
            guard bytes[i - 1] == UInt8(ascii: ",") else { return nil }
        }
        guard let allocation = try? Allocation(fragments: fragments),
              let tag = StrictBase64.decode(utf8: UnsafeBufferPointer(rebasing: bytes[i...])),
              tagLengthRange.contains(tag.count) else { return nil }
        return DSKESignature(allocation: allocation, tag: tag)
    }

    /// A canonical decimal (`Fragment`'s rule): 1 to 18 digits, no leading zero but in "0".
    private static func decimal(_ bytes: UnsafeBufferPointer<UInt8>, _ i: inout Int) -> Int? {
        let begin = i
        var value = 0
        func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        while i < bytes.count, i - begin < 18, isDigit(bytes[i]) {
            value = value * 10 + Int(bytes[i] - UInt8(ascii: "0"))
            i += 1
        }
        let count = i - begin
        // A 19th digit: too long (and it would not fit an Int).
        guard count > 0, i == bytes.count || !isDigit(bytes[i]), count == 1 || bytes[begin] != UInt8(ascii: "0") else { return nil }
        return value
    }

    /// `headerValue`, written into one buffer.
    var directHeaderValue: String {
        let capacity = allocation.fragments.count * (36 + 2 * 19 + 3) + 1 + StrictBase64.encodedLength(of: tag.count)
        return String(unsafeUninitializedCapacity: capacity) { out in
            var n = 0
            for (position, fragment) in allocation.fragments.enumerated() {
                if position > 0 {
                    out[n] = UInt8(ascii: ",")
                    n += 1
                }
                n += UUID.writeCanonical(fragment.blockUUID.uuid, into: UnsafeMutableBufferPointer(rebasing: out[n...]))
                out[n] = UInt8(ascii: ":")
                n += 1 + WireWriter.writeDecimal(fragment.start, into: UnsafeMutableBufferPointer(rebasing: out[(n + 1)...]))
                out[n] = UInt8(ascii: ":")
                n += 1 + WireWriter.writeDecimal(fragment.size, into: UnsafeMutableBufferPointer(rebasing: out[(n + 1)...]))
            }
            out[n] = UInt8(ascii: "%")
            n += 1
            n += tag.withUnsafeBufferPointer { StrictBase64.encode(buffer: $0, into: UnsafeMutableBufferPointer(rebasing: out[n...])) }
            return n
        }
    }
}
