import Crypto

/// The small record that says which bundle slot on the card holds the bundle (see
/// docs/smart-cards.md, "Whole-or-absent bundles"). Written with one UPDATE BINARY, after the
/// slot's bytes are written and read back, so the bundle on the card is the old one until the
/// record flips and the new one after.
///
/// Layout, 56 bytes: "DSKB", version 1, slot (0 none, 1 or 2), 2 zero bytes, length (4, big
/// endian), sequence (4), SHA-256 of the bundle (32), then the first 8 bytes of SHA-256 over
/// the 48 bytes before it, so a torn record (a card without tearing protection) reads as none.
struct BundleCommitRecord: Equatable {
    static let size = 56
    static let magic: [UInt8] = Array("DSKB".utf8)

    var slot: UInt8
    var length: Int
    var sequence: UInt32
    var digest: [UInt8]

    static func none(sequence: UInt32) -> BundleCommitRecord {
        BundleCommitRecord(slot: 0, length: 0, sequence: sequence, digest: [UInt8](repeating: 0, count: 32))
    }

    var encoded: [UInt8] {
        var out = BundleCommitRecord.magic + [1, slot, 0, 0]
        out += [UInt8(length >> 24 & 0xFF), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)]
        out += [UInt8(sequence >> 24), UInt8(sequence >> 16 & 0xFF), UInt8(sequence >> 8 & 0xFF), UInt8(sequence & 0xFF)]
        out += digest
        return out + Array(SHA256.hash(data: out)).prefix(8)
    }

    /// nil when the bytes are not a whole, self-consistent record.
    init?(bytes: [UInt8]) {
        guard bytes.count == BundleCommitRecord.size,
              Array(bytes[0..<4]) == BundleCommitRecord.magic, bytes[4] == 1,
              bytes[5] <= 2, bytes[6] == 0, bytes[7] == 0,
              Array(SHA256.hash(data: bytes[0..<48])).prefix(8).elementsEqual(bytes[48..<56])
        else { return nil }
        slot = bytes[5]
        length = bytes[8..<12].reduce(0) { $0 << 8 | Int($1) }
        sequence = bytes[12..<16].reduce(0) { $0 << 8 | UInt32($1) }
        digest = Array(bytes[16..<48])
        if slot == 0 ? length != 0 : length == 0 { return nil }
    }

    init(slot: UInt8, length: Int, sequence: UInt32, digest: [UInt8]) {
        self.slot = slot
        self.length = length
        self.sequence = sequence
        self.digest = digest
    }
}
