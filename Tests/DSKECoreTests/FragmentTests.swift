import Foundation
import Testing
@testable import DSKECore

@Suite struct FragmentTests {
    let uuidText = "b6ed2299-ba1e-4947-8c30-07aec0247518"

    @Test func parsesTheCanonicalTextForm() throws {
        let fragment = try Fragment(encoded: Substring("\(uuidText):16:32"))
        #expect(fragment.blockUUID == UUID(uuidString: uuidText))
        #expect(fragment.start == 16)
        #expect(fragment.size == 32)
        #expect(fragment.end == 48)
        #expect(fragment.encoded == "\(uuidText):16:32")
    }

    @Test func acceptsZeroStartAndEighteenDigitNumbers() throws {
        let fragment = try Fragment(encoded: Substring("\(uuidText):0:999999999999999999"))
        #expect(fragment.start == 0)
        #expect(fragment.size == 999_999_999_999_999_999)
    }

    @Test(arguments: [
        "",                                                    // nothing
        "B6ED2299-BA1E-4947-8C30-07AEC0247518:0:1",            // upper-case UUID
        "b6ed2299ba1e49478c3007aec0247518:0:1",                // unhyphenated
        "{b6ed2299-ba1e-4947-8c30-07aec0247518}:0:1",          // braces
        "b6ed2299-ba1e-4947-8c30-07aec024751:0:1",             // short UUID
        "b6ed2299-ba1e-4947-8c30-07aec0247518:00:1",           // leading zero
        "b6ed2299-ba1e-4947-8c30-07aec0247518:01:1",           // leading zero
        "b6ed2299-ba1e-4947-8c30-07aec0247518:+1:1",           // sign
        "b6ed2299-ba1e-4947-8c30-07aec0247518:-1:1",           // negative start
        "b6ed2299-ba1e-4947-8c30-07aec0247518:0:-1",           // negative size
        "b6ed2299-ba1e-4947-8c30-07aec0247518:0:0",            // empty range
        "b6ed2299-ba1e-4947-8c30-07aec0247518: 0:1",           // space
        "b6ed2299-ba1e-4947-8c30-07aec0247518:0:1 ",           // trailing space
        "b6ed2299-ba1e-4947-8c30-07aec0247518:0",              // two parts
        "b6ed2299-ba1e-4947-8c30-07aec0247518:0:1:2",          // four parts
        "b6ed2299-ba1e-4947-8c30-07aec0247518:0x10:1",         // hex
        "b6ed2299-ba1e-4947-8c30-07aec0247518:1e3:1",          // exponent
        "b6ed2299-ba1e-4947-8c30-07aec0247518:١:1",            // Arabic-Indic digit
        "b6ed2299-ba1e-4947-8c30-07aec0247518:1000000000000000000:1",      // 19 digits
        "b6ed2299-ba1e-4947-8c30-07aec0247518:99999999999999999999999:1",  // overflows Int
    ])
    func refusesNonCanonicalText(_ text: String) {
        #expect(throws: PSRDError.self) { try Fragment(encoded: Substring(text)) }
    }

    @Test func refusesRangesThatOverflow() {
        let uuid = UUID()
        #expect(throws: PSRDError.self) { try Fragment(blockUUID: uuid, start: Int.max, size: 1) }
        #expect(throws: PSRDError.self) { try Fragment(blockUUID: uuid, start: 1, size: Int.max) }
        #expect(throws: PSRDError.self) { try Fragment(blockUUID: uuid, start: -1, size: 1) }
        #expect(throws: PSRDError.self) { try Fragment(blockUUID: uuid, start: 0, size: 0) }
        #expect((try? Fragment(blockUUID: uuid, start: Int.max - 1, size: 1))?.end == Int.max)
    }

    @Test func errorMessagesDoNotCarryControlCharacters() throws {
        let error = #expect(throws: PSRDError.self) { try Fragment(encoded: Substring("evil\nFORGED LOG LINE:0:1")) }
        let text = try #require(error).description
        #expect(!text.contains("\n"))
        #expect(text.contains("evil?FORGED"))
    }

    @Test func encodesJSONAsTheReference() throws {
        let fragment = try Fragment(blockUUID: UUID(uuidString: uuidText)!, start: 16, size: 32)
        let bytes = WireCoding.encode(try Allocation(fragments: [fragment]))
        #expect(String(decoding: bytes, as: UTF8.self)
            == #"{"fragments":[{"block_uuid":"b6ed2299-ba1e-4947-8c30-07aec0247518","start":16,"size":32}]}"#)
    }

    @Test func decodesJSON() throws {
        let json = #"{"size":32,"block_uuid":"b6ed2299-ba1e-4947-8c30-07aec0247518","start":16}"#
        let fragment = try WireCoding.decode(Fragment.self, from: Array(json.utf8))
        #expect(fragment.start == 16 && fragment.size == 32)
    }

    @Test(arguments: [
        (#"{"block_uuid":"B6ED2299-BA1E-4947-8C30-07AEC0247518","start":0,"size":1}"#, "block_uuid"),
        (#"{"block_uuid":"b6ed2299-ba1e-4947-8c30-07aec0247518","start":-1,"size":1}"#, ""),
        (#"{"block_uuid":"b6ed2299-ba1e-4947-8c30-07aec0247518","start":0,"size":0}"#, ""),
        (#"{"block_uuid":"b6ed2299-ba1e-4947-8c30-07aec0247518","start":1.0,"size":1}"#, "start"),
        (#"{"block_uuid":"b6ed2299-ba1e-4947-8c30-07aec0247518","start":"1","size":1}"#, "start"),
        (#"{"block_uuid":"b6ed2299-ba1e-4947-8c30-07aec0247518","start":0}"#, "size"),
        (#"{"block_uuid":"b6ed2299-ba1e-4947-8c30-07aec0247518","start":0,"size":99999999999999999999}"#, "size"),
        (#"{"block_uuid":"b6ed2299-ba1e-4947-8c30-07aec0247518","start":9223372036854775807,"size":1}"#, ""),
    ])
    func refusesBadJSON(_ json: String, field: String) throws {
        let error = #expect(throws: WireError.self) { try WireCoding.decode(Fragment.self, from: Array(json.utf8)) }
        let description = try #require(error).description
        if !field.isEmpty { #expect(description.contains("'\(field)'"), "\(description)") }
    }
}
