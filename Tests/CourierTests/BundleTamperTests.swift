@testable import Courier
import DSKECore
import Foundation
import Testing

/// Every way a bundle can be damaged or misaddressed is refused with the error that names it.
@Suite struct BundleTamperTests {
    static let chunk = 1024

    /// Four chunks of 1 KiB and a partial fifth: first, middle and last chunks to damage.
    static func sample() throws -> (bundle: [UInt8], payload: Int) {
        let (bundle, _, _) = try BundleFixture.sealed(sizes: [chunk * 2 + 100, chunk * 2], chunkSize: chunk)
        return (bundle, BundleFixture.payloadOffset(bundle))
    }

    static func chunkStart(_ payload: Int, _ index: Int) -> Int { payload + index * (chunk + 16) }

    @Test func theSampleOpens() throws {
        let (bundle, _) = try Self.sample()
        #expect(BundleFixture.failure(bundle) == nil)
    }

    @Test func everySingleBitFlipAnywhereIsRefused() throws {
        // A small bundle, so every byte can be tried: magic, header, MAC line, every chunk and tag.
        let (bundle, _, _) = try BundleFixture.sealed(sizes: [40, 30], chunkSize: 32)
        for position in bundle.indices {
            var damaged = bundle
            damaged[position] ^= 0x04
            #expect(BundleFixture.failure(damaged) != nil, "flip at byte \(position) was accepted")
        }
    }

    @Test func aFlippedHeaderByteFailsTheMAC() throws {
        let (bundle, _) = try Self.sample()
        // The tens of seconds of `created` (40 -> 10): the header still parses, only the MAC can tell.
        let text = Array("\"created\":\"2025-06-15T15:06:40Z\"".utf8)
        let at = try #require(Self.find(text, in: bundle)) + 11 + 17
        var damaged = bundle
        damaged[at] = UInt8(ascii: "1")
        #expect(BundleFixture.failure(damaged) == .tamperedHeader("the header MAC does not match"))
        // The same for a block size (a header that would shift the payload's meaning).
        var resized = bundle
        let size = try #require(Self.find(Array("\"size\":2148".utf8), in: bundle)) + 8
        resized[size] = UInt8(ascii: "0")  // 2148 -> 2048
        #expect(BundleFixture.failure(resized) == .tamperedHeader("the header MAC does not match"))
    }

    @Test func aFlippedMACIsATamperedHeader() throws {
        var (bundle, payload) = try Self.sample()
        bundle[payload - 10] = bundle[payload - 10] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        #expect(BundleFixture.failure(bundle) == .tamperedHeader("the header MAC does not match"))
    }

    @Test func aDamagedStanzaForOurKeyIsATamperedHeader() throws {
        let (bundle, _) = try Self.sample()
        let at = try #require(Self.find(Array("\"wrapped_key\":\"".utf8), in: bundle)) + 15
        var damaged = bundle
        damaged[at] = damaged[at] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        #expect(BundleFixture.failure(damaged) == .tamperedHeader("the stanza for key \(BundleFixture.carolKey.keyID) does not open"))
    }

    @Test(arguments: [0, 2, 4])
    func aFlippedPayloadByteNamesItsChunk(index: Int) throws {
        // Chunks 0 (first), 2 (middle) and 4 (the partial last one).
        var (bundle, payload) = try Self.sample()
        bundle[Self.chunkStart(payload, index) + 7] ^= 0x80
        #expect(BundleFixture.failure(bundle) == .tamperedChunk(index: index, count: 5))
    }

    @Test func aFlippedTagByteNamesItsChunk() throws {
        var (bundle, payload) = try Self.sample()
        bundle[Self.chunkStart(payload, 1) + Self.chunk + 3] ^= 1
        #expect(BundleFixture.failure(bundle) == .tamperedChunk(index: 1, count: 5))
    }

    @Test func swappedChunksAreRefused() throws {
        let (bundle, payload) = try Self.sample()
        let size = Self.chunk + 16
        var swapped = bundle
        swapped.replaceSubrange(Self.chunkStart(payload, 1)..<Self.chunkStart(payload, 2),
                                with: bundle[Self.chunkStart(payload, 2)..<Self.chunkStart(payload, 3)])
        swapped.replaceSubrange(Self.chunkStart(payload, 2)..<Self.chunkStart(payload, 3),
                                with: bundle[Self.chunkStart(payload, 1)..<Self.chunkStart(payload, 1) + size])
        #expect(BundleFixture.failure(swapped) == .tamperedChunk(index: 1, count: 5))
    }

    @Test func aDuplicatedChunkInPlaceOfTheLastIsRefused() throws {
        // Only the real last chunk opens with the last-chunk flag.
        let (bundle, _, _) = try BundleFixture.sealed(sizes: [Self.chunk * 3], chunkSize: Self.chunk)
        let payload = BundleFixture.payloadOffset(bundle)
        var forged = Array(bundle[..<Self.chunkStart(payload, 2)])
        forged += bundle[Self.chunkStart(payload, 1)..<Self.chunkStart(payload, 2)]
        #expect(BundleFixture.failure(forged) == .tamperedChunk(index: 2, count: 3))
    }

    @Test func truncationAnywhereIsRefused() throws {
        let (bundle, payload) = try Self.sample()
        // At a chunk boundary, inside a chunk, inside the last tag: truncated, naming what is there.
        #expect(BundleFixture.failure(Array(bundle[..<Self.chunkStart(payload, 4)])) == .truncated(complete: 4, count: 5))
        #expect(BundleFixture.failure(Array(bundle[..<Self.chunkStart(payload, 2)])) == .truncated(complete: 2, count: 5))
        #expect(BundleFixture.failure(Array(bundle[..<payload])) == .truncated(complete: 0, count: 5))
        #expect(BundleFixture.failure(Array(bundle[..<(Self.chunkStart(payload, 1) + 500)])) == .truncated(complete: 1, count: 5))
        #expect(BundleFixture.failure(Array(bundle.dropLast())) == .truncated(complete: 4, count: 5))
        // Inside the preamble.
        #expect(BundleFixture.failure(Array(bundle[..<(payload - 5)])) == .malformedHeader("the file ends inside the MAC line (truncated)"))
        #expect(BundleFixture.failure(Array(bundle[..<100])) == .malformedHeader("the file ends inside the header (truncated)"))
        #expect(BundleFixture.failure(Array(bundle[..<10])) == .notABundle)
        #expect(BundleFixture.failure([]) == .notABundle)
    }

    @Test func appendedDataIsRefused() throws {
        let (bundle, _) = try Self.sample()
        #expect(BundleFixture.failure(bundle + [0]) == .trailingData)
        // Even a whole valid chunk's worth.
        #expect(BundleFixture.failure(bundle + [UInt8](repeating: 7, count: Self.chunk + 16)) == .trailingData)
    }

    @Test func aBundleForAnotherNodeIsTheWrongRecipient() throws {
        let (bundle, _) = try Self.sample()
        let reading = { () throws(BundleError) in
            _ = try BundleFixture.open(bundle, recipient: BundleRecipient(name: "dave", role: .client))
        }
        #expect(throws: BundleError.wrongRecipient(bundleFor: "carol", bundleRole: .client, node: "dave", nodeRole: .client)) {
            try reading()
        }
        #expect(throws: BundleError.wrongRecipient(bundleFor: "carol", bundleRole: .client, node: "hank", nodeRole: .hub)) {
            _ = try BundleFixture.open(bundle, recipient: BundleRecipient(name: "hank", role: .hub))
        }
    }

    @Test func anotherKeyIsTheWrongKey() throws {
        let (bundle, _) = try Self.sample()
        let other = EnrolmentKey.generate()
        #expect(BundleFixture.failure(bundle, key: other)
                == .wrongKey(keyID: other.keyID, stanzaKeyIDs: [BundleFixture.carolKey.keyID]))
    }

    @Test func anExpiredBundleIsRefusedNamingItsExpiry() throws {
        let (bundle, _) = try Self.sample()
        #expect(BundleFixture.failure(bundle, now: BundleFixture.expires) == .expired(expires: "2025-07-15T15:06:40Z"))
        #expect(BundleFixture.failure(bundle, now: BundleFixture.expires.addingTimeInterval(-1)) == nil)
    }

    @Test func otherVersionsAndOtherFilesAreNamed() throws {
        let (bundle, _) = try Self.sample()
        var v2 = Array("dske-psrd-bundle/v2\n".utf8)
        v2 += bundle.dropFirst(BundleFormat.magic.utf8.count)
        #expect(BundleFixture.failure(v2) == .unsupportedVersion("v2"))
        #expect(BundleFixture.failure(Array("age-encryption.org/v1\n".utf8) + bundle) == .notABundle)
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard needle.count <= haystack.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start..<start + needle.count].elementsEqual(needle) {
            return start
        }
        return nil
    }
}
