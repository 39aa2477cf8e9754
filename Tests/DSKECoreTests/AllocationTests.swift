import Foundation
import Testing
@testable import DSKECore

@Suite struct AllocationTests {
    let a = "b6ed2299-ba1e-4947-8c30-07aec0247518"
    let b = "0e7c4f6a-3b7f-4c1e-9d2a-5f8e1b2c3d4e"

    @Test func parsesAndReEncodesSeveralFragments() throws {
        let text = "\(a):16:32,\(b):0:4,\(a):48:2"
        let allocation = try Allocation(encoded: text)
        #expect(allocation.fragments.count == 3)
        #expect(allocation.size == 38)
        #expect(allocation.encoded == text)
    }

    @Test func adjacentRangesInOneBlockAreFine() throws {
        let allocation = try Allocation(encoded: "\(a):0:16,\(a):16:16")
        #expect(allocation.size == 32)
    }

    @Test(arguments: [
        "",                     // no fragment
        ",",                    // empty fragments
        "A:0:1",
    ])
    func refusesEmptyOrGarbage(_ text: String) {
        #expect(throws: PSRDError.self) { try Allocation(encoded: text) }
    }

    @Test func refusesEmptyFragmentsAroundCommas() {
        #expect(throws: PSRDError.self) { try Allocation(encoded: "\(a):0:1,") }
        #expect(throws: PSRDError.self) { try Allocation(encoded: ",\(a):0:1") }
        #expect(throws: PSRDError.self) { try Allocation(encoded: "\(a):0:1,,\(b):0:1") }
        #expect(throws: PSRDError.self) { try Allocation(encoded: "\(a):0:1, \(b):0:1") }
    }

    @Test func refusesOverlapsWithinOneBlock() {
        #expect(throws: PSRDError.self) { try Allocation(encoded: "\(a):0:16,\(a):15:2") }
        #expect(throws: PSRDError.self) { try Allocation(encoded: "\(a):0:16,\(a):0:16") }
        #expect(throws: PSRDError.self) { try Allocation(encoded: "\(a):10:1,\(a):0:100") }
        // The same range in two different blocks is two different byte ranges.
        #expect((try? Allocation(encoded: "\(a):0:16,\(b):0:16"))?.size == 32)
    }

    @Test func refusesTooManyFragments() throws {
        let fragments = (0..<(Allocation.maxFragments + 1)).map { "\(a):\($0 * 2):1" }
        #expect(throws: PSRDError.self) { try Allocation(encoded: fragments.joined(separator: ",")) }
        let allowed = try Allocation(encoded: fragments.dropLast().joined(separator: ","))
        #expect(allowed.fragments.count == Allocation.maxFragments)
    }

    @Test func refusesOverlongText() {
        let text = String(repeating: "9", count: Allocation.maxFragments * 76 + 1)
        let error = #expect(throws: PSRDError.self) { try Allocation(encoded: text) }
        #expect(error?.description.contains("too long") == true)
    }

    /// Found by review: fragments in different blocks whose sizes sum past Int.max made `size`
    /// trap (a crash any client could trigger with one header).
    @Test func refusesFragmentsWhoseTotalSizeOverflows() {
        let half = Int.max / 2 + 1
        #expect(throws: PSRDError.self) {
            try Allocation(fragments: [
                Fragment(blockUUID: UUID(), start: 0, size: half),
                Fragment(blockUUID: UUID(), start: 0, size: half),
            ])
        }
        let json = #"{"fragments":[{"block_uuid":"\#(a)","start":0,"size":\#(half)},{"block_uuid":"\#(b)","start":0,"size":\#(half)}]}"#
        #expect(throws: WireError.self) { try WireCoding.decode(Allocation.self, from: Array(json.utf8)) }
    }

    @Test func jsonRoundTripKeepsOrder() throws {
        let allocation = try Allocation(encoded: "\(b):5:3,\(a):0:1")
        let bytes = WireCoding.encode(allocation)
        #expect(String(decoding: bytes, as: UTF8.self) ==
            #"{"fragments":[{"block_uuid":"\#(b)","start":5,"size":3},{"block_uuid":"\#(a)","start":0,"size":1}]}"#)
        #expect(try WireCoding.decode(Allocation.self, from: bytes) == allocation)
    }

    @Test func jsonRefusesEmptyAndOverlappingFragmentLists() throws {
        #expect(throws: WireError.self) { try WireCoding.decode(Allocation.self, from: Array(#"{"fragments":[]}"#.utf8)) }
        #expect(throws: WireError.self) { try WireCoding.decode(Allocation.self, from: Array(#"{}"#.utf8)) }
        let overlap = #"{"fragments":[{"block_uuid":"\#(a)","start":0,"size":4},{"block_uuid":"\#(a)","start":3,"size":4}]}"#
        #expect(throws: WireError.self) { try WireCoding.decode(Allocation.self, from: Array(overlap.utf8)) }
    }
}
