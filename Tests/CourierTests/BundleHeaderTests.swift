@testable import Courier
import DSKECore
import Foundation
import Testing

/// The header has one byte form; everything else is refused before any key is tried.
@Suite struct BundleHeaderTests {
    static func sampleHeader() throws -> BundleHeader {
        try BundleFixture.header(sizes: [10, 20], fileKey: .generate())
    }

    static func text(_ header: BundleHeader) -> String { String(decoding: header.encoded(), as: UTF8.self) }

    static func parseError(_ text: String) -> BundleError? {
        do {
            _ = try BundleHeader.parse(Array(text.utf8))
            return nil
        } catch {
            return error
        }
    }

    @Test func theEncodingIsCompactWithMembersInSpecificationOrder() throws {
        let header = try Self.sampleHeader()
        let text = Self.text(header)
        #expect(text.hasPrefix(#"{"bundle_id":"00000000-0000-4000-8000-0000000000b0","issuer":"hank","pair":{"hub":"hank","client":"carol"},"recipient":{"name":"carol","role":"client"},"blocks":[{"uuid":"00000000-0000-4000-8000-000000000001","owner":"client","size":10},{"uuid":"00000000-0000-4000-8000-000000000002","owner":"hub","size":20}],"created":"2025-06-15T15:06:40Z","expires":"2025-07-15T15:06:40Z","entropy":{"sources":["os:getrandom"],"combiner":"none","health":[]},"chunk_size":65536,"stanzas":[{"type":"enrolment-key","key_id":""#))
        #expect(!text.contains(" ") && !text.contains("\n"))
        #expect(try BundleHeader.parse(Array(text.utf8)) == header)
    }

    @Test func anyOtherSpellingIsRefused() throws {
        let text = Self.text(try Self.sampleHeader())
        let canonical = BundleError.malformedHeader(
            "not in canonical form (compact JSON, members in specification order, no unknown members)")
        #expect(Self.parseError(text.replacingOccurrences(of: #""issuer":"hank""#, with: #""issuer": "hank""#)) == canonical)
        #expect(Self.parseError(text.replacingOccurrences(of: #""chunk_size":65536"#, with: #""chunk_size":65536,"extra":1"#)) == canonical)
        #expect(Self.parseError(text.replacingOccurrences(
            of: #""bundle_id":"00000000-0000-4000-8000-0000000000b0","issuer":"hank""#,
            with: #""issuer":"hank","bundle_id":"00000000-0000-4000-8000-0000000000b0""#)) == canonical)
        #expect(Self.parseError(text.replacingOccurrences(of: #""size":10"#, with: #""size":1e1"#)) != nil)
        if case .malformedHeader? = Self.parseError(text.replacingOccurrences(of: #""issuer":"hank""#, with: #""issuer":"hank","issuer":"hank""#)) {
        } else {
            Issue.record("a duplicate member was not refused")
        }
    }

    @Test(arguments: [
        (#""bundle_id":"00000000-0000-4000-8000-0000000000b0""#, #""bundle_id":"00000000-0000-4000-8000-0000000000B0""#, "bundle_id"),
        (#""issuer":"hank""#, #""issuer":"Hank""#, "issuer"),
        (#""size":10"#, #""size":0"#, "blocks[0].size"),
        (#""owner":"client""#, #""owner":"peer""#, "blocks[0].owner"),
        (#""created":"2025-06-15T15:06:40Z""#, #""created":"2025-06-15T15:06:40.5Z""#, "created"),
        (#""created":"2025-06-15T15:06:40Z""#, #""created":"2025-02-30T15:06:40Z""#, "created"),
        (#""expires":"2025-07-15T15:06:40Z""#, #""expires":"2025-06-15T15:06:40Z""#, "expires"),
        (#""chunk_size":65536"#, #""chunk_size":8"#, "chunk_size"),
        (#""role":"client""#, #""role":"hub""#, "recipient"),
        (#""uuid":"00000000-0000-4000-8000-000000000002""#, #""uuid":"00000000-0000-4000-8000-000000000001""#, "blocks"),
        (#""sources":["os:getrandom"]"#, #""sources":[]"#, "entropy.sources"),
    ])
    func aFieldBreakingItsRuleIsNamed(original: String, replacement: String, field: String) throws {
        let text = Self.text(try Self.sampleHeader())
        #expect(text.contains(original))
        guard case .malformedHeader(let why)? = Self.parseError(text.replacingOccurrences(of: original, with: replacement)) else {
            Issue.record("\(replacement) was accepted")
            return
        }
        #expect(why.hasPrefix("field '\(field)'"), "\(why)")
    }

    @Test func aStanzaOfAnUnknownTypeIsKeptAndSkipped() throws {
        let fileKey = FileKey.generate()
        let bundleID = BundleFixture.uuid(0xB1)
        let future = BundleStanza.other(["type": "mlkem768", "ciphertext": "AAAA"])
        let header = try BundleHeader(
            bundleID: bundleID, issuer: "hank", pair: BundleFixture.pair, recipient: BundleRecipient(name: "carol", role: .client),
            blocks: [BundleBlock(uuid: BundleFixture.uuid(1), owner: .client, size: 5)],
            created: BundleFixture.created, expires: BundleFixture.expires, entropy: .operatingSystemOnly,
            stanzas: [future, BundleFixture.carolKey.wrap(fileKey, bundleID: bundleID)])
        #expect(Self.text(header).contains(#"{"type":"mlkem768","ciphertext":"AAAA"}"#))
        #expect(try BundleHeader.parse(header.encoded()) == header)
        let bundle = try BundleWriter.seal(header: header, fileKey: fileKey, payload: [1, 2, 3, 4, 5])
        #expect(try BundleFixture.open(bundle) == [[1, 2, 3, 4, 5]])
    }

    @Test func theWriterCannotBuildAHeaderNoReaderAccepts() {
        #expect(throws: BundleError.self) {
            _ = try BundleHeader(bundleID: UUID(), issuer: "Hank Hub", pair: BundleFixture.pair,
                                 recipient: BundleRecipient(name: "carol", role: .client),
                                 blocks: [BundleBlock(uuid: UUID(), owner: .client, size: 1)],
                                 created: BundleFixture.created, expires: BundleFixture.expires,
                                 entropy: .operatingSystemOnly, stanzas: [])
        }
        #expect(throws: BundleError.self) {
            _ = try BundleHeader(bundleID: UUID(), issuer: "hank", pair: BundleFixture.pair,
                                 recipient: BundleRecipient(name: "carol", role: .client), blocks: [],
                                 created: BundleFixture.created, expires: BundleFixture.expires,
                                 entropy: .operatingSystemOnly, stanzas: [.other(["type": "x"])])
        }
    }

    @Test func timesAreWholeSecondsInUTC() throws {
        let header = try BundleHeader(
            bundleID: UUID(), issuer: "hank", pair: BundleFixture.pair, recipient: BundleRecipient(name: "hank", role: .hub),
            blocks: [BundleBlock(uuid: UUID(), owner: .hub, size: 1)],
            created: Date(timeIntervalSince1970: 1_750_000_000.75), expires: Date(timeIntervalSince1970: 1_750_000_100.2),
            entropy: .operatingSystemOnly, stanzas: [.other(["type": "x"])])
        #expect(header.created == Date(timeIntervalSince1970: 1_750_000_000))
        #expect(Self.text(header).contains(#""created":"2025-06-15T15:06:40Z","expires":"2025-06-15T15:08:20Z""#))
        #expect(BundleTime.parse("2024-02-29T23:59:59Z") != nil)
        #expect(BundleTime.parse("2023-02-29T00:00:00Z") == nil)
        #expect(BundleTime.parse("2025-06-15T15:06:40+00:00") == nil)
        #expect(BundleTime.parse("2025-06-15t15:06:40z") == nil)
    }
}
