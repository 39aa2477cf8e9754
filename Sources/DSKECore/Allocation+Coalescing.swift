extension Allocation {
    /// The fragments of several allocations as one, with ranges that continue each other merged;
    /// nil when that is not a valid allocation (too many fragments, overlaps).
    public static func coalescing(_ allocations: [Allocation]) -> Allocation? {
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
