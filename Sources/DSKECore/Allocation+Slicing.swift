extension Allocation {
    /// Cuts the allocation into consecutive allocations of `sizes` bytes (which must add up to
    /// `size`), so one allocate call can pad every share of a batch message (client and hub alike): the bytes of piece i
    /// are the i-th run of the allocation's bytes, in fragment order.
    public func slices(sizes: [Int]) throws(PSRDError) -> [Allocation] {
        guard sizes.reduce(0, +) == size, sizes.allSatisfy({ $0 > 0 }) else {
            throw .malformedAllocation("slices of \(sizes.reduce(0, +)) bytes do not cover an allocation of \(size)")
        }
        var result: [Allocation] = []
        result.reserveCapacity(sizes.count)
        var fragmentIndex = 0
        var offset = 0 // bytes of fragments[fragmentIndex] already handed out
        for wanted in sizes {
            var pieces: [Fragment] = []
            var remaining = wanted
            while remaining > 0 {
                let fragment = fragments[fragmentIndex]
                let take = min(remaining, fragment.size - offset)
                pieces.append(try Fragment(blockUUID: fragment.blockUUID, start: fragment.start + offset, size: take))
                remaining -= take
                offset += take
                if offset == fragment.size {
                    fragmentIndex += 1
                    offset = 0
                }
            }
            result.append(try Allocation(fragments: pieces))
        }
        return result
    }
}
