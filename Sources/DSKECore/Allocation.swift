import Foundation

/// The metadata of some PSRD bytes: one or more fragments, in order, whose bytes concatenated form
/// a key (a pad or a MAC key). Only metadata ever travels on the wire, never the bytes.
///
/// JSON: `{"fragments": [...]}`; text (in `DSKE-Signature`): `frag,frag,...`.
public struct Allocation: Hashable, Sendable, Codable {
    public let fragments: [Fragment]

    /// At most this many fragments in one allocation: a bound on parsing work for hostile input.
    public static let maxFragments = 64

    public init(fragments: [Fragment]) throws(PSRDError) {
        guard !fragments.isEmpty else { throw .malformedAllocation("an allocation needs at least one fragment") }
        guard fragments.count <= Self.maxFragments else {
            throw .malformedAllocation("\(fragments.count) fragments exceed the limit of \(Self.maxFragments)")
        }
        // Each fragment's end fits in an Int, but the sum of many need not: `size` would trap on
        // hostile input such as two fragments of Int.max / 2 + 1 bytes in different blocks.
        var total = 0
        for fragment in fragments {
            let (sum, overflow) = total.addingReportingOverflow(fragment.size)
            guard !overflow else { throw .malformedAllocation("total size of the fragments overflows") }
            total = sum
        }
        // Overlapping fragments would let one message name the same byte twice.
        for (i, a) in fragments.enumerated() {
            for b in fragments[(i + 1)...] where a.blockUUID == b.blockUUID && a.start < b.end && b.start < a.end {
                throw .malformedAllocation("fragments overlap in block \(a.blockUUID.lowercased)")
            }
        }
        self.fragments = fragments
    }

    /// Total number of bytes the allocation covers.
    public var size: Int { fragments.reduce(0) { $0 + $1.size } }

    /// The canonical text form `uuid:start:size[,uuid:start:size...]`.
    public var encoded: String { fragments.map(\.encoded).joined(separator: ",") }

    /// Parses the canonical text form.
    public init(encoded text: some StringProtocol) throws(PSRDError) {
        guard text.utf8.count <= Self.maxFragments * 76 else {
            throw .malformedAllocation("allocation text of \(text.utf8.count) bytes is too long")
        }
        var fragments: [Fragment] = []
        for part in String(text).split(separator: ",", omittingEmptySubsequences: false) {
            fragments.append(try Fragment(encoded: part))
        }
        try self.init(fragments: fragments)
    }

    public init(from decoder: any Decoder) throws {
        enum Keys: String, CodingKey { case fragments }
        let container = try decoder.container(keyedBy: Keys.self)
        try self.init(fragments: try container.decode([Fragment].self, forKey: .fragments))
    }
}

/// Which side of a client-hub pair allocates from a pool. Each pair shares two pools so that the
/// two sides never allocate the same bytes at the same time: the other side only takes the ranges
/// the owner names. The raw values are the reference's `pool_owner` query values.
public enum PoolOwner: String, Sendable, Codable, CaseIterable {
    case client
    case hub
}

extension Allocation: DirectWireMessage {
    func write(to writer: inout WireWriter) {
        writer.raw("{\"fragments\":")
        writer.array(fragments) { $1.write(to: &$0) }
        writer.raw("}")
    }

    init?(direct value: JSONValue) {
        guard let fragments = value.directObject?["fragments"]?.directList(of: Fragment.self),
              let allocation = try? Allocation(fragments: fragments) else { return nil }
        self = allocation
    }
}

extension Allocation {
    /// `init?(direct:)` from the bytes (see `DirectWireReader`).
    static func read(_ reader: inout DirectWireReader) -> Allocation? {
        var fragments: [Fragment]?
        guard reader.object({ reader, key in
            key.isKey("fragments") && fragments.fill(reader.array(limit: maxFragments, Fragment.read))
        }), let fragments else { return nil }
        return try? Allocation(fragments: fragments)
    }
}
