import Foundation

/// Appends the JSON of a `DirectWireMessage` straight to a byte buffer, in the exact spelling
/// `JSONWriter` gives the Codable path (compact, members in order, strings escaped the same way).
///
/// UUIDs, integers and base64 are formatted into a stack buffer and copied in once: a batch
/// message has about 1,000 of them, and going through a `String` or an array for each cost a heap
/// allocation and a generic metadata lookup apiece.
struct WireWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    /// Punctuation and member names, written as they are (`{"name":`).
    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func string(_ text: String) { JSONWriter.writeString(text, into: &bytes) }

    mutating func uuid(_ value: UUID) {
        append(upTo: 38) { out in
            out[0] = UInt8(ascii: "\"")
            let count = UUID.writeCanonical(value.uuid, into: UnsafeMutableBufferPointer(rebasing: out[1...]))
            out[count + 1] = UInt8(ascii: "\"")
            return count + 2
        }
    }

    /// Decimal, as `String(value)` writes it.
    mutating func integer(_ value: Int) {
        guard value >= 0 else {
            bytes.append(contentsOf: String(value).utf8)
            return
        }
        if value < 10 {
            bytes.append(UInt8(ascii: "0") + UInt8(value))
            return
        }
        append(upTo: 19) { Self.writeDecimal(value, into: $0) }
    }

    /// Writes a non-negative integer in decimal at the start of `out` (19 bytes hold any `Int`)
    /// and answers its length.
    static func writeDecimal(_ value: Int, into out: UnsafeMutableBufferPointer<UInt8>) -> Int {
        precondition(value >= 0)
        var digits = 1
        var rest = value / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        var remaining = value
        for position in stride(from: digits - 1, through: 0, by: -1) {
            out[position] = UInt8(ascii: "0") + UInt8(remaining % 10)
            remaining /= 10
        }
        return digits
    }

    mutating func base64(_ value: [UInt8]) {
        let length = StrictBase64.encodedLength(of: value.count)
        append(upTo: length + 2) { out in
            out[0] = UInt8(ascii: "\"")
            _ = value.withUnsafeBufferPointer { StrictBase64.encode(buffer: $0, into: UnsafeMutableBufferPointer(rebasing: out[1...])) }
            out[length + 1] = UInt8(ascii: "\"")
            return length + 2
        }
    }

    /// Any JSON value, as `JSONWriter` writes it (extension members).
    mutating func value(_ value: JSONValue) { JSONWriter.write(value, into: &bytes) }

    /// `[e0,e1,...]` with each element written by `element`.
    mutating func array<Element>(_ elements: [Element], _ element: (inout WireWriter, Element) -> Void) {
        bytes.append(UInt8(ascii: "["))
        for (index, value) in elements.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            element(&self, value)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// Appends what `fill` writes into a scratch buffer of `capacity` bytes (on the stack when
    /// small); `fill` answers how many bytes it wrote.
    @inline(__always)
    private mutating func append(upTo capacity: Int, _ fill: (UnsafeMutableBufferPointer<UInt8>) -> Int) {
        withHeapScratch(of: UInt8.self, capacity: capacity) { scratch in
            let count = fill(scratch)
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: scratch[..<count]))
        }
    }
}
