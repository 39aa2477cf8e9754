import Crypto
@testable import Courier
import DSKECore
import Foundation
import Testing

/// The test vector of docs/bundle-format.md: every input fixed, so the bundle's bytes are too.
/// The document's hex dump is parsed and compared, so the specification cannot drift from the code.
@Suite struct BundleTestVectorTests {
    static let document = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/bundle-format.md")

    static let fileKey = try! FileKey(bytes: (0..<32).map { UInt8(0x10 + $0) })
    static let enrolmentKey = try! EnrolmentKey(bytes: (0..<32).map { UInt8($0) })
    static let bundleID = UUID(uuidString: "5f0c6a3e-8d2b-4c1a-9e7f-0a1b2c3d4e5f")!
    static let stanzaNonce: [UInt8] = (0..<12).map { UInt8(0xC0 + $0) }
    /// Block 1: 0x00...0x27 (40 bytes, client-owned); block 2: 0x80...0x95 (22 bytes, hub-owned).
    static let payload: [UInt8] = (0..<40).map { UInt8($0) } + (0..<22).map { UInt8(0x80 + $0) }

    static func vector() throws -> [UInt8] {
        let header = try BundleHeader(
            bundleID: bundleID, issuer: "hank", pair: BundlePair(hub: "hank", client: "carol"),
            recipient: BundleRecipient(name: "carol", role: .client),
            blocks: [BundleBlock(uuid: UUID(uuidString: "11111111-1111-4111-8111-111111111111")!, owner: .client, size: 40),
                     BundleBlock(uuid: UUID(uuidString: "22222222-2222-4222-8222-222222222222")!, owner: .hub, size: 22)],
            created: BundleTime.parse("2025-01-01T00:00:00Z")!, expires: BundleTime.parse("2025-01-31T00:00:00Z")!,
            entropy: .operatingSystemOnly, chunkSize: 32,
            stanzas: [enrolmentKey.wrap(fileKey, bundleID: bundleID, nonce: stanzaNonce)])
        return try BundleWriter.seal(header: header, fileKey: fileKey, payload: payload)
    }

    /// The hex between the `test-vector-hex` markers of the document.
    static func documentedBytes() throws -> [UInt8] {
        let text = try String(contentsOf: document, encoding: .utf8)
        guard let start = text.range(of: "<!-- test-vector-hex -->"), let end = text.range(of: "<!-- /test-vector-hex -->"),
              start.upperBound < end.lowerBound else { throw VectorMissing() }
        let digits = text[start.upperBound..<end.lowerBound].filter(\.isHexDigit)
        var bytes: [UInt8] = []
        var index = digits.startIndex
        while index < digits.endIndex {
            let next = digits.index(index, offsetBy: 2)
            bytes.append(UInt8(digits[index..<next], radix: 16)!)
            index = next
        }
        return bytes
    }

    struct VectorMissing: Error {}

    @Test func theWriterProducesTheDocumentedBytes() throws {
        let bytes = try Self.vector()
        #expect(bytes == (try Self.documentedBytes()))
        let text = try String(contentsOf: Self.document, encoding: .utf8)
        #expect(text.contains(EnrolmentKey.hex(SHA256.hash(data: bytes))))
        #expect(text.contains(Self.enrolmentKey.keyID))
    }

    @Test func theDocumentedBytesOpenToTheDocumentedPayload() throws {
        let reader = try BundleReader(bytes: try Self.documentedBytes(), key: Self.enrolmentKey,
                                      recipient: BundleRecipient(name: "carol", role: .client),
                                      now: BundleTime.parse("2025-01-02T00:00:00Z")!)
        #expect(try reader.readAll() == [Array(Self.payload[0..<40]), Array(Self.payload[40...])])
    }

    @Test func theIntermediateValuesAreThoseTheDocumentGives() throws {
        // A second implementation checks its key schedule and nonces against these.
        let text = try String(contentsOf: Self.document, encoding: .utf8)
        let macKey = Self.fileKey.headerMACKey.withUnsafeBytes { EnrolmentKey.hex($0) }
        let payloadKey = Self.fileKey.payloadKey(bundleID: Self.bundleID).withUnsafeBytes { EnrolmentKey.hex($0) }
        #expect(text.contains(macKey))
        #expect(text.contains(payloadKey))
        #expect(EnrolmentKey.hex(ChunkCipher.nonceBytes(index: 1, last: false)) == "000000000000000000000100")
        #expect(EnrolmentKey.hex(ChunkCipher.nonceBytes(index: 2, last: true)) == "000000000000000000000201")
        #expect(EnrolmentKey.hex(ChunkCipher.nonceBytes(index: 0x0102030405060708, last: true)) == "000000010203040506070801")
    }
}
