import Foundation

/// A contiguous range of bytes inside one PSRD block: the unit of allocation metadata.
///
/// On the wire it is the JSON object `{"block_uuid": "...", "start": N, "size": N}` or, inside a
/// `DSKE-Signature` header, the text `uuid:start:size`.
public struct Fragment: Hashable, Sendable {
    public let blockUUID: UUID
    public let start: Int
    public let size: Int

    /// Creates a fragment after checking that it is a sane, non-empty range that cannot overflow.
    public init(blockUUID: UUID, start: Int, size: Int) throws(PSRDError) {
        guard start >= 0 else { throw .malformedAllocation("negative start \(start)") }
        guard size > 0 else { throw .malformedAllocation("fragment size must be positive, got \(size)") }
        guard start <= Int.max - size else { throw .malformedAllocation("range \(start)+\(size) overflows") }
        self.blockUUID = blockUUID
        self.start = start
        self.size = size
    }

    /// One past the last byte of the range.
    public var end: Int { start + size }

    /// The canonical text form `uuid:start:size`.
    public var encoded: String { "\(blockUUID.lowercased):\(start):\(size)" }

    /// Parses the canonical text form. Refuses anything a canonical encoder would not emit
    /// (upper-case or unhyphenated UUIDs, signs, leading zeros, spaces), so that one allocation has
    /// exactly one spelling.
    public init(encoded text: Substring) throws(PSRDError) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            throw .malformedAllocation("fragment '\(Self.excerpt(text, 80))' is not uuid:start:size")
        }
        let uuid = try Self.parseUUID(parts[0])
        let start = try Self.parseDecimal(parts[1], field: "start")
        let size = try Self.parseDecimal(parts[2], field: "size")
        try self.init(blockUUID: uuid, start: start, size: size)
    }

    static func parseUUID(_ text: Substring) throws(PSRDError) -> UUID {
        guard let uuid = UUID(canonical: text) else {
            throw .malformedAllocation("block UUID '\(excerpt(text, 40))' is not a canonical lowercase UUID")
        }
        return uuid
    }

    /// Hostile text echoed into an error message (and so into logs) is shortened and stripped
    /// of control characters, so it cannot forge log lines.
    static func excerpt(_ text: Substring, _ limit: Int) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.prefix(limit).map {
            $0.value < 0x20 || (0x7F..<0xA0).contains($0.value) || $0 == "\u{2028}" || $0 == "\u{2029}" ? "?" : $0
        }))
    }

    static func parseDecimal(_ text: Substring, field: String) throws(PSRDError) -> Int {
        let digits = text.utf8
        guard !digits.isEmpty, digits.count <= 18, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              digits.count == 1 || digits.first != 0x30, let value = Int(text)
        else {
            throw .malformedAllocation("\(field) '\(excerpt(text, 24))' is not a plain decimal number")
        }
        return value
    }
}

extension Fragment: Codable {
    enum CodingKeys: String, CodingKey {
        case blockUUID = "block_uuid"
        case start
        case size
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        // Fails with the member's path (`...fragments[0].block_uuid`), not just the fragment's.
        let uuid = try container.decodeCanonicalUUID(forKey: .blockUUID)
        try self.init(blockUUID: uuid,
                      start: try container.decode(Int.self, forKey: .start),
                      size: try container.decode(Int.self, forKey: .size))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(blockUUID.lowercased, forKey: .blockUUID)
        try container.encode(start, forKey: .start)
        try container.encode(size, forKey: .size)
    }
}

extension Fragment: DirectWireMessage {
    func write(to writer: inout WireWriter) {
        writer.raw("{\"block_uuid\":")
        writer.uuid(blockUUID)
        writer.raw(",\"start\":")
        writer.integer(start)
        writer.raw(",\"size\":")
        writer.integer(size)
        writer.raw("}")
    }

    init?(direct value: JSONValue) {
        guard let object = value.directObject, let uuid = object["block_uuid"]?.directCanonicalUUID,
              let start = object["start"]?.directInteger, let size = object["size"]?.directInteger,
              let fragment = try? Fragment(blockUUID: uuid, start: start, size: size) else { return nil }
        self = fragment
    }
}

extension Fragment {
    /// `init?(direct:)` from the bytes (see `DirectWireReader`).
    static func read(_ reader: inout DirectWireReader) -> Fragment? {
        var uuid: UUID?, start: Int?, size: Int?
        guard reader.object({ reader, key in
            if key.isKey("block_uuid") { return uuid.fill(reader.canonicalUUID()) }
            if key.isKey("start") { return start.fill(reader.integer()) }
            if key.isKey("size") { return size.fill(reader.integer()) }
            return false
        }), let uuid, let start, let size else { return nil }
        return try? Fragment(blockUUID: uuid, start: start, size: size)
    }
}
