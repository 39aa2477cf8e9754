import DSKECore

extension Allocation {
    /// Cuts the allocation into consecutive pieces of the given sizes, in order (they must add up
    /// to `size`): one allocation from the pool serves a whole batch of pads.
    func split(into sizes: [Int]) -> [Allocation] {
        precondition(sizes.reduce(0, +) == size && sizes.allSatisfy { $0 > 0 }, "split sizes must cover the allocation")
        var pieces: [Allocation] = []
        pieces.reserveCapacity(sizes.count)
        var fragmentIndex = 0
        var offset = 0  // bytes of fragments[fragmentIndex] already handed out
        for wanted in sizes {
            var parts: [Fragment] = []
            var remaining = wanted
            while remaining > 0 {
                let fragment = fragments[fragmentIndex]
                let take = min(remaining, fragment.size - offset)
                // In range of a valid fragment by construction, so this cannot throw.
                parts.append(try! Fragment(blockUUID: fragment.blockUUID, start: fragment.start + offset, size: take))
                remaining -= take
                offset += take
                if offset == fragment.size {
                    fragmentIndex += 1
                    offset = 0
                }
            }
            // Pieces of disjoint fragments are disjoint; a pad spans few blocks.
            pieces.append(try! Allocation(fragments: parts))
        }
        return pieces
    }

    /// The fragments of several allocations as one, with ranges that continue each other merged;
    /// nil when that is not a valid allocation (too many fragments, overlaps).
    static func coalescing(_ allocations: [Allocation]) -> Allocation? {
        var merged: [Fragment] = []
        for allocation in allocations {
            for fragment in allocation.fragments {
                if let last = merged.last, last.blockUUID == fragment.blockUUID, last.end == fragment.start,
                   let joined = try? Fragment(blockUUID: last.blockUUID, start: last.start, size: last.size + fragment.size) {
                    merged[merged.count - 1] = joined
                } else {
                    merged.append(fragment)
                    if merged.count > Allocation.maxFragments { return nil }
                }
            }
        }
        return try? Allocation(fragments: merged)
    }
}
