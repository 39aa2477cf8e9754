import Testing
@testable import DSKECore

@Suite struct IntervalSetTests {
    @Test func appendingInOrderMergesAdjacentRanges() {
        var set = IntervalSet()
        for start in stride(from: 0, to: 320, by: 32) { set.insert(start..<(start + 32)) }
        #expect(set.ranges == [0..<320])
        #expect(set.count == 320)
    }

    @Test func outOfOrderInsertsMergeAcrossGaps() {
        var set = IntervalSet()
        set.insert(100..<110)
        set.insert(0..<10)
        set.insert(50..<60)
        #expect(set.ranges == [0..<10, 50..<60, 100..<110])
        set.insert(5..<55)      // bridges the first two
        #expect(set.ranges == [0..<60, 100..<110])
        set.insert(60..<100)    // touches both neighbours exactly
        #expect(set.ranges == [0..<110])
    }

    @Test func overlapIsExactAtTheEdges() {
        let set = IntervalSet([10..<20, 30..<40])
        #expect(!set.overlaps(0..<10))
        #expect(set.overlaps(0..<11))
        #expect(set.overlaps(19..<25))
        #expect(!set.overlaps(20..<30))
        #expect(set.overlaps(25..<31))
        #expect(!set.overlaps(40..<50))
        #expect(set.overlaps(0..<100))
        #expect(!set.overlaps(15..<15))
        #expect(set.contains(39) && !set.contains(40) && !set.contains(9))
    }

    @Test func removingBelowAFloorClipsTheStraddlingRange() {
        var set = IntervalSet([0..<10, 20..<30, 40..<50])
        set.removeAll(below: 25)
        #expect(set.ranges == [25..<30, 40..<50])
        set.removeAll(below: 60)
        #expect(set.isEmpty)
    }

    @Test func popPrefixOnlyTakesARangeStartingAtTheOffset() {
        var set = IntervalSet([10..<20, 30..<40])
        #expect(set.popPrefix(startingAt: 0) == nil)
        #expect(set.popPrefix(startingAt: 10) == 10..<20)
        #expect(set.ranges == [30..<40])
    }

    @Test func textFormRoundTripsAndRefusesMalformedInput() {
        let set = IntervalSet([0..<10, 20..<30])
        #expect(set.encoded == "0-10,20-30")
        #expect(IntervalSet(encoded: set.encoded) == set)
        #expect(IntervalSet(encoded: "") == IntervalSet())
        for bad in ["10-5", "0-10,5-20", "0-10,10-20", "-1-3", "a-b", "0-10,", "20-30,0-10", "1"] {
            #expect(IntervalSet(encoded: bad) == nil, "\(bad) must be refused")
        }
    }

    /// Random inserts compared with a plain bitmap: catches any merge or search slip.
    @Test func agreesWithABitmapUnderRandomInserts() {
        var rng = IntervalTestRandom(seed: 42)
        for _ in 0..<50 {
            var set = IntervalSet()
            var bitmap = [Bool](repeating: false, count: 200)
            for _ in 0..<30 {
                let start = Int(rng.next() % 190)
                let end = start + 1 + Int(rng.next() % 10)
                let probe = Int(rng.next() % 190)
                let probeRange = probe..<(probe + 1 + Int(rng.next() % 10))
                #expect(set.overlaps(probeRange) == bitmap[probeRange].contains(true))
                set.insert(start..<end)
                for i in start..<end { bitmap[i] = true }
            }
            #expect(set.count == bitmap.filter { $0 }.count)
            for (a, b) in zip(set.ranges, set.ranges.dropFirst()) { #expect(a.upperBound < b.lowerBound) }
        }
    }
}

/// A small deterministic generator, so failures reproduce.
private struct IntervalTestRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
