import Foundation

/// A message on the hot path of key requests (share batches, allocations), written and read
/// without the Codable machinery. The Codable conformance stays the definition: `write` must
/// produce the bytes `WireCoding`'s Codable path produces, and `init?(direct:)` must accept
/// exactly the values `init(from:)` accepts and build the same message (both checked by tests).
///
/// `init?(direct:)` answers nil for anything it does not recognise as valid; `WireCoding` then
/// runs the Codable decoder, whose error names the field. So the fast path changes no error.
protocol DirectWireMessage: DirectWireEncodable {
    init?(direct value: JSONValue)
}

/// A message that `WireCoding.decode(_:from:limit:)` first tries to read straight from the
/// bytes (`DirectWireReader`); nil, for anything that reader does not take, means parse and
/// decode as usual. It must accept only what the Codable path accepts, and build the same message.
protocol DirectBytesMessage {
    init?(directBytes bytes: UnsafeBufferPointer<UInt8>)
}

/// A message written without the Codable machinery but read through it: one that this project
/// writes on a hot path and only an encryptor reads (the ETSI key container). `write` must
/// produce the bytes `WireCoding`'s Codable path produces (checked by tests).
protocol DirectWireEncodable: WireMessage {
    func write(to writer: inout WireWriter)
}

/// Field readers for `init?(direct:)`, each as strict as its Codable counterpart.
extension JSONValue {
    var directObject: JSONObject? {
        if case .object(let object) = self { object } else { nil }
    }

    var directArray: [JSONValue]? {
        if case .array(let elements) = self { elements } else { nil }
    }

    var directString: String? {
        if case .string(let text) = self { text } else { nil }
    }

    /// An integer literal (no fraction or exponent) that fits an `Int`.
    var directInteger: Int? {
        if case .number(let number) = self { number.integer(as: Int.self) } else { nil }
    }

    /// `decodeCanonicalUUID`.
    var directCanonicalUUID: UUID? { directString.flatMap { UUID(canonical: $0) } }

    /// `decodeSharePad`: non-empty canonical base64 exactly as long as the pad.
    func directSharePad(size: Int) -> [UInt8]? {
        guard let text = directString, let bytes = StrictBase64.decode(text), !bytes.isEmpty, bytes.count == size else {
            return nil
        }
        return bytes
    }
}

extension JSONValue {
    /// An array whose elements all read as `T`.
    func directList<T: DirectWireMessage>(of type: T.Type) -> [T]? {
        guard let elements = directArray else { return nil }
        var list: [T] = []
        list.reserveCapacity(elements.count)
        for element in elements {
            guard let item = T(direct: element) else { return nil }
            list.append(item)
        }
        return list
    }
}

/// The three members every share carries: `share_index` (in `KeyShare.indexRange`),
/// `encryption_key_allocation` and `encrypted_share_value` (as long as the pad).
struct DirectSharePayload {
    let index: Int
    let allocation: Allocation
    let value: [UInt8]

    init?(_ object: JSONObject) {
        guard let index = object["share_index"]?.directInteger, KeyShare.indexRange.contains(index),
              let allocation = object["encryption_key_allocation"].flatMap(Allocation.init(direct:)),
              let value = object["encrypted_share_value"]?.directSharePad(size: allocation.size) else { return nil }
        self.index = index
        self.allocation = allocation
        self.value = value
    }

    /// `"share_index":N,"encryption_key_allocation":{...},"encrypted_share_value":"..."`.
    static func write(index: Int, allocation: Allocation, value: [UInt8], to writer: inout WireWriter) {
        writer.raw("\"share_index\":")
        writer.integer(index)
        writer.raw(",\"encryption_key_allocation\":")
        allocation.write(to: &writer)
        writer.raw(",\"encrypted_share_value\":")
        writer.base64(value)
    }
}

extension WireWriter {
    /// `,"master_sae_id":"...","slave_sae_id":"..."`.
    mutating func saePair(master: String, slave: String) {
        raw(",\"master_sae_id\":")
        string(master)
        raw(",\"slave_sae_id\":")
        string(slave)
    }
}

extension Array where Element == UUID {
    /// `checkBatch`: non-empty, bounded, each key once.
    var isValidBatch: Bool {
        !isEmpty && count <= KeyShareBatch.maxCount && allDistinct
    }

    /// No key ID twice. Every batch message is checked at least twice per hop: a `Set` of 128
    /// UUIDs (hashing each, growing as it fills) cost 2.5% of the network's CPU under batch load,
    /// sorting their 128-bit values 1.6%. Here: an open-addressing table of positions, twice the
    /// count, on the stack, indexed by the IDs' own bits mixed with a key drawn once per process.
    /// IDs a peer chose to collide only lengthen the probes: a batch holds at most 1024 IDs, so
    /// the worst case is half a million 16-byte comparisons, about a millisecond.
    var allDistinct: Bool {
        guard count > 1 else { return true }
        var bits = 4
        while 1 << bits < count * 2 { bits += 1 }
        let mask = (1 << bits) - 1
        return withHeapScratch(of: Int.self, capacity: 1 << bits) { slots in
            // 0: empty; otherwise the position of the ID there, plus one.
            slots.initialize(repeating: 0)
            return withUnsafeBufferPointer { ids in
                for position in ids.indices {
                    let value = UUIDValue(ids[position])
                    var slot = value.slot(bits: bits)
                    while slots[slot] != 0 {
                        if UUIDValue(ids[slots[slot] - 1]) == value { return false }
                        slot = (slot + 1) & mask
                    }
                    slots[slot] = position + 1
                }
                return true
            }
        }
    }
}

/// Mixed into the slots of `allDistinct`, so that which IDs collide cannot be known in advance.
private let slotKey = UInt64.random(in: .min ... .max) | 1

/// A UUID's 128 bits as two words.
private struct UUIDValue: Equatable {
    let high: UInt64
    let low: UInt64

    init(_ id: UUID) {
        (high, low) = Swift.withUnsafeBytes(of: id.uuid) {
            ($0.loadUnaligned(as: UInt64.self), $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        }
    }

    /// The top `bits` bits of a keyed multiplicative hash.
    func slot(bits: Int) -> Int {
        Int(truncatingIfNeeded: ((high ^ (low &* 0x9E37_79B9_7F4A_7C15)) &* slotKey) >> UInt64(64 - bits))
    }
}
