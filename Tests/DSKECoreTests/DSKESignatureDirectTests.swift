import Foundation
import Testing
@testable import DSKECore

/// The signature header's fast reader and writer against the checked definition.
@Suite struct DSKESignatureDirectTests {
    func signature(fragments: Int, tagBytes: Int) throws -> DSKESignature {
        let starts = [0, 1, 9, 10, 99, 4096, 262_143, 999_999_999_999]
        let parts = try (0..<fragments).map { k in
            try Fragment(blockUUID: UUID(), start: starts[(k * 3) % starts.count], size: [1, 32, 10, 65_536][k % 4])
        }
        return DSKESignature(allocation: try Allocation(fragments: parts), tag: SecureRandom.bytes(tagBytes))
    }

    @Test func theWriterSpellsTheDefinitionAndBothReadersReadItBack() throws {
        for fragments in 1...Allocation.maxFragments {
            for tagBytes in [16, 32, 33, 64] {
                let signature = try signature(fragments: fragments, tagBytes: tagBytes)
                let header = signature.headerValue
                #expect(header == signature.allocation.encoded + "%" + StrictBase64.encode(signature.tag))
                #expect(DSKESignature.direct(header) == signature)
                #expect(try DSKESignature(checking: header) == signature)
            }
        }
    }

    @Test func theFastReaderNeverReadsWhatTheDefinitionRefusesOrReadsOtherwise() throws {
        let header = try signature(fragments: 2, tagBytes: 32).headerValue
        var variants = [";" + header, header.replacingOccurrences(of: "%", with: ";"), "", "%", header + "%", header + "=",
                        header.uppercased(), " " + header, header.replacingOccurrences(of: ":", with: ":0"),
                        header.replacingOccurrences(of: ":0:", with: ":999999999999999999:"),
                        header.replacingOccurrences(of: ":0:", with: ":9999999999999999999:"),
                        header.replacingOccurrences(of: ":0:", with: ":99999999999999999999999:")]
        let bytes = Array(header.utf8)
        for position in bytes.indices {
            variants.append(String(decoding: bytes[..<position], as: UTF8.self))
            for replacement in Array(":,%;0 9aF+/=-".utf8) {
                var changed = bytes
                changed[position] = replacement
                variants.append(String(decoding: changed, as: UTF8.self))
            }
        }
        for variant in variants {
            let checked = try? DSKESignature(checking: variant)
            if let fast = DSKESignature.direct(variant) {
                #expect(fast == checked, "\(variant)")
            }
            #expect((try? DSKESignature(headerValue: variant)) == checked, "\(variant)")
        }
    }
}
