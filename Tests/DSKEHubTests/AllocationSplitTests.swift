import DSKECore
@testable import DSKEHub
import Foundation
import Testing

/// One allocation cut into a batch's pads, and a batch's pads joined into one take.
@Suite struct AllocationSplitTests {
    let a = UUID(), b = UUID()

    func allocation(_ parts: [(UUID, Int, Int)]) throws -> Allocation {
        try Allocation(fragments: parts.map { try Fragment(blockUUID: $0.0, start: $0.1, size: $0.2) })
    }

    @Test func splitsAcrossFragmentBoundaries() throws {
        let whole = try allocation([(a, 100, 50), (b, 0, 30)])
        let pieces = try whole.slices(sizes: [32, 32, 16])
        #expect(pieces[0] == (try allocation([(a, 100, 32)])))
        #expect(pieces[1] == (try allocation([(a, 132, 18), (b, 0, 14)])))
        #expect(pieces[2] == (try allocation([(b, 14, 16)])))
    }

    @Test func coalescesRangesThatContinueEachOther() throws {
        let pads = [try allocation([(a, 0, 32)]), try allocation([(a, 32, 32)]), try allocation([(b, 0, 8)]), try allocation([(a, 64, 32)])]
        #expect(Allocation.coalescing(pads) == (try allocation([(a, 0, 64), (b, 0, 8), (a, 64, 32)])))
        let overlapping = [try allocation([(a, 0, 32)]), try allocation([(a, 16, 32)])]
        #expect(Allocation.coalescing(overlapping) == nil)
        let scattered = (0..<100).map { try! allocation([(a, $0 * 64, 32)]) }
        #expect(Allocation.coalescing(scattered) == nil, "more fragments than an allocation may have")
    }
}
