import Crypto
import DSKECore
import Foundation

/// The header of a v1 bundle: one line of canonical JSON after the magic line, authenticated by
/// the MAC line that follows it (docs/bundle-format.md).
///
/// Canonical means exactly what `encoded()` writes: compact, members in the order below, no
/// unknown members, times with whole seconds. `parse` refuses every other spelling, so a header
/// has one byte form and the MAC one meaning.
public struct BundleHeader: Sendable, Hashable, WireMessage {
    public let bundleID: UUID
    /// The hub that issued the bundle.
    public let issuer: String
    public let pair: BundlePair
    public let recipient: BundleRecipient
    /// In payload order.
    public let blocks: [BundleBlock]
    /// Whole seconds (RFC 3339 UTC on the wire).
    public let created: Date
    public let expires: Date
    public let entropy: BundleEntropy
    public let chunkSize: Int
    public let stanzas: [BundleStanza]

    /// Checks every rule `parse` checks, so a writer cannot produce a bundle no reader opens.
    /// Times are truncated to whole seconds.
    public init(bundleID: UUID, issuer: String, pair: BundlePair, recipient: BundleRecipient, blocks: [BundleBlock],
                created: Date, expires: Date, entropy: BundleEntropy, chunkSize: Int = BundleFormat.defaultChunkSize,
                stanzas: [BundleStanza]) throws(BundleError) {
        self.bundleID = bundleID
        self.issuer = issuer
        self.pair = pair
        self.recipient = recipient
        self.blocks = blocks
        self.created = BundleTime.truncate(created)
        self.expires = BundleTime.truncate(expires)
        self.entropy = entropy
        self.chunkSize = chunkSize
        self.stanzas = stanzas
        // A round trip applies the reader's field rules (names, sizes, labels, counts) too.
        let bytes = encoded()
        _ = try Self.parse(bytes)
    }

    private init(unchecked bundleID: UUID, issuer: String, pair: BundlePair, recipient: BundleRecipient,
                 blocks: [BundleBlock], created: Date, expires: Date, entropy: BundleEntropy, chunkSize: Int,
                 stanzas: [BundleStanza]) {
        self.bundleID = bundleID
        self.issuer = issuer
        self.pair = pair
        self.recipient = recipient
        self.blocks = blocks
        self.created = created
        self.expires = expires
        self.entropy = entropy
        self.chunkSize = chunkSize
        self.stanzas = stanzas
    }

    /// The bundle ID as the header and file name spell it.
    public var id: String { bundleID.lowercased }
    /// The sum of the block sizes: the plaintext payload length.
    public var payloadSize: Int { blocks.reduce(0) { $0 + $1.size } }
    /// ceil(payloadSize / chunkSize); at least 1, since every block has at least one byte.
    public var chunkCount: Int { (payloadSize + chunkSize - 1) / chunkSize }
    /// The exact length of the bundle file.
    public var fileSize: Int {
        BundleFormat.magic.utf8.count + encoded().count + 1 + BundleFormat.macLineSize
            + payloadSize + chunkCount * BundleFormat.tagSize
    }
    /// The enrolment-key stanzas' key IDs.
    public var keyIDs: [String] { stanzas.compactMap(\.keyID) }

    /// The header line without its newline.
    public func encoded() -> [UInt8] { WireCoding.encode(self) }

    /// Magic line, header line and MAC line: everything before the payload.
    func preamble(fileKey: FileKey) -> [UInt8] {
        var bytes = Array(BundleFormat.magic.utf8) + encoded()
        bytes.append(0x0A)
        let mac = HMAC<SHA256>.authenticationCode(for: bytes, using: fileKey.headerMACKey)
        bytes += Array(BundleFormat.macLinePrefix.utf8) + Array(StrictBase64.encode(Array(mac)).utf8)
        bytes.append(0x0A)
        return bytes
    }

    /// Parses a header line (without its newline) strictly: valid JSON, every field by its rules,
    /// and the canonical byte form. Unauthenticated until the MAC is checked.
    public static func parse(_ bytes: [UInt8]) throws(BundleError) -> BundleHeader {
        let header: BundleHeader
        do {
            header = try WireCoding.decode(BundleHeader.self, from: bytes, limit: BundleFormat.maxHeaderSize)
        } catch {
            throw .malformedHeader(error.description)
        }
        guard header.encoded() == bytes else {
            throw .malformedHeader("not in canonical form (compact JSON, members in specification order, no unknown members)")
        }
        return header
    }

    private enum CodingKeys: String, CodingKey {
        case bundleID = "bundle_id"
        case issuer, pair, recipient, blocks, created, expires, entropy
        case chunkSize = "chunk_size"
        case stanzas
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let bundleID = try container.decodeLowercaseUUID(forKey: .bundleID)
        let issuer = try container.decodeNodeName(forKey: .issuer)
        let pair = try container.decode(BundlePair.self, forKey: .pair)
        let recipient = try container.decode(BundleRecipient.self, forKey: .recipient)
        guard recipient.name == (recipient.role == .client ? pair.client : pair.hub) else {
            throw DecodingError.dataCorruptedError(forKey: .recipient, in: container,
                debugDescription: "names a node that is not the pair's \(recipient.role.rawValue)")
        }
        let blocks = try container.decodeArray(BundleBlock.self, forKey: .blocks, count: 1...BundleFormat.maxBlocks)
        guard Set(blocks.map(\.uuid)).count == blocks.count else {
            throw DecodingError.dataCorruptedError(forKey: .blocks, in: container, debugDescription: "a block UUID appears twice")
        }
        guard blocks.reduce(0, { $0 + $1.size }) <= BundleFormat.maxPayloadSize else {
            throw DecodingError.dataCorruptedError(forKey: .blocks, in: container,
                debugDescription: "the blocks hold more than \(BundleFormat.maxPayloadSize) bytes")
        }
        let created = try container.decodeTime(forKey: .created)
        let expires = try container.decodeTime(forKey: .expires)
        guard expires > created else {
            throw DecodingError.dataCorruptedError(forKey: .expires, in: container, debugDescription: "is not after 'created'")
        }
        let entropy = try container.decode(BundleEntropy.self, forKey: .entropy)
        let chunkSize = try container.decodeInteger(forKey: .chunkSize, in: BundleFormat.chunkSizeRange)
        let stanzas = try container.decodeArray(BundleStanza.self, forKey: .stanzas, count: 1...BundleFormat.maxStanzas)
        self.init(unchecked: bundleID, issuer: issuer, pair: pair, recipient: recipient, blocks: blocks,
                  created: created, expires: expires, entropy: entropy, chunkSize: chunkSize, stanzas: stanzas)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(bundleID.lowercased, forKey: .bundleID)
        try container.encode(issuer, forKey: .issuer)
        try container.encode(pair, forKey: .pair)
        try container.encode(recipient, forKey: .recipient)
        try container.encode(blocks, forKey: .blocks)
        try container.encode(BundleTime.format(created), forKey: .created)
        try container.encode(BundleTime.format(expires), forKey: .expires)
        try container.encode(entropy, forKey: .entropy)
        try container.encode(chunkSize, forKey: .chunkSize)
        try container.encode(stanzas, forKey: .stanzas)
    }
}
