/// A set of byte offsets stored as sorted, disjoint, non-adjacent half-open ranges.
///
/// Peer blocks record the ranges a peer has named with it. Peers usually name ranges in order,
/// so inserting at the end is the fast path (no search, adjacent ranges merge into one) and the
/// set stays a handful of ranges however many takes it has seen.
public struct IntervalSet: Hashable, Sendable {
    public private(set) var ranges: [Range<Int>] = []

    public init() {}

    /// Builds a set from any ranges (overlapping, adjacent or unsorted ones are merged).
    public init(_ ranges: some Sequence<Range<Int>>) {
        for range in ranges { insert(range) }
    }

    public var isEmpty: Bool { ranges.isEmpty }

    /// Number of offsets in the set.
    public var count: Int { ranges.reduce(0) { $0 + $1.count } }

    /// True when some offset of `range` is in the set.
    public func overlaps(_ range: Range<Int>) -> Bool {
        guard !range.isEmpty, let last = ranges.last else { return false }
        if range.lowerBound >= last.upperBound { return false }
        // The first stored range ending after range.lowerBound is the only candidate.
        let i = firstIndex(endingAfter: range.lowerBound)
        return i < ranges.count && ranges[i].lowerBound < range.upperBound
    }

    public func contains(_ offset: Int) -> Bool { overlaps(offset..<(offset + 1)) }

    /// Adds `range`, merging it with every stored range it overlaps or touches.
    public mutating func insert(_ range: Range<Int>) {
        guard !range.isEmpty else { return }
        if let last = ranges.last, range.lowerBound >= last.lowerBound {
            if range.lowerBound <= last.upperBound {
                ranges[ranges.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
            } else {
                ranges.append(range)
            }
            return
        }
        // First stored range that ends at or after range.lowerBound: it may touch on the left.
        let first = firstIndex(endingAtOrAfter: range.lowerBound)
        var last = first
        var merged = range
        while last < ranges.count, ranges[last].lowerBound <= range.upperBound {
            merged = min(merged.lowerBound, ranges[last].lowerBound)..<max(merged.upperBound, ranges[last].upperBound)
            last += 1
        }
        ranges.replaceSubrange(first..<last, with: [merged])
    }

    /// Removes every offset below `floor` (the caller accounts for them another way).
    public mutating func removeAll(below floor: Int) {
        let i = firstIndex(endingAfter: floor)
        ranges.removeFirst(i)
        if let first = ranges.first, first.lowerBound < floor {
            ranges[0] = floor..<first.upperBound
        }
    }

    /// Removes and returns the first range if it starts exactly at `offset`: lets a block raise its
    /// floor over a contiguous prefix instead of keeping it as a range.
    public mutating func popPrefix(startingAt offset: Int) -> Range<Int>? {
        guard let first = ranges.first, first.lowerBound == offset else { return nil }
        ranges.removeFirst()
        return first
    }

    /// The largest offset in the set plus one, or nil when empty.
    public var upperBound: Int? { ranges.last?.upperBound }

    private func firstIndex(endingAfter offset: Int) -> Int {
        var low = 0, high = ranges.count
        while low < high {
            let mid = (low + high) / 2
            if ranges[mid].upperBound > offset { high = mid } else { low = mid + 1 }
        }
        return low
    }

    private func firstIndex(endingAtOrAfter offset: Int) -> Int {
        var low = 0, high = ranges.count
        while low < high {
            let mid = (low + high) / 2
            if ranges[mid].upperBound >= offset { high = mid } else { low = mid + 1 }
        }
        return low
    }
}

extension IntervalSet {
    /// Text form `start-end,start-end` (half-open, decimal) for storage; empty set is "".
    public var encoded: String {
        ranges.map { "\($0.lowerBound)-\($0.upperBound)" }.joined(separator: ",")
    }

    /// Parses `encoded`; nil on any malformed, empty, unsorted or overlapping range.
    public init?(encoded text: String) {
        self.init()
        guard !text.isEmpty else { return }
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let bounds = part.split(separator: "-", omittingEmptySubsequences: false)
            guard bounds.count == 2, let low = Int(bounds[0]), let high = Int(bounds[1]),
                  low >= 0, high > low, low > (ranges.last?.upperBound ?? -1)
            else { return nil }
            ranges.append(low..<high)
        }
    }
}
