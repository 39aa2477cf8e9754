import Foundation

/// Appends the JSON of a `DirectWireMessage` straight to a byte buffer, in the exact spelling
/// `JSONWriter` gives the Codable path (compact, members in order, strings escaped the same way).
struct WireWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    /// Punctuation and member names, written as they are (`{"name":`).
    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func string(_ text: String) { JSONWriter.writeString(text, into: &bytes) }

    mutating func uuid(_ value: UUID) {
        bytes.append(UInt8(ascii: "\""))
        bytes.append(contentsOf: value.lowercased.utf8)
        bytes.append(UInt8(ascii: "\""))
    }

    /// Decimal, as `String(value)` writes it.
    mutating func integer(_ value: Int) {
        if value >= 0 && value < 10 {
            bytes.append(UInt8(ascii: "0") + UInt8(value))
        } else {
            bytes.append(contentsOf: String(value).utf8)
        }
    }

    mutating func base64(_ value: [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        bytes.append(contentsOf: StrictBase64.encode(value).utf8)
        bytes.append(UInt8(ascii: "\""))
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
}
