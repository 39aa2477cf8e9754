import DSKECore

/// One share index's shares of a run of keys, end to end: key i's share is bytes
/// i*shareSize..<(i+1)*shareSize (a column of `Shamir.splitColumns`, or a packed answer once
/// opened). A batch travels through the client as one of these per hub instead of an array per share.
struct ShareColumn: Sendable {
    let bytes: [UInt8]
    /// Bytes of each share (> 0).
    let shareSize: Int

    var count: Int { bytes.count / shareSize }

    /// Key i's share, in an array of its own (never one sharing `bytes`' buffer, which the
    /// holder of the column wipes).
    func share(_ i: Int) -> [UInt8] {
        bytes.withUnsafeBufferPointer { Array(UnsafeBufferPointer(rebasing: $0[(i * shareSize)..<((i + 1) * shareSize)])) }
    }

    /// The shares of keys `range`, in a buffer of their own.
    func shares(_ range: Range<Int>) -> ShareColumn {
        let bytes = bytes.withUnsafeBufferPointer {
            Array(UnsafeBufferPointer(rebasing: $0[(range.lowerBound * shareSize)..<(range.upperBound * shareSize)]))
        }
        return ShareColumn(bytes: bytes, shareSize: shareSize)
    }

    /// The one-time pad `pad[offset..<offset + bytes.count]` applied to the column: a batch's
    /// shares sealed (or opened) with one pass and one new buffer. The pad stays as it was.
    func xor(pad: [UInt8], at offset: Int) -> [UInt8] {
        let count = bytes.count
        precondition(offset >= 0 && offset + count <= pad.count, "one-time pad shorter than the shares")
        return [UInt8](unsafeUninitializedCapacity: count) { output, initialized in
            pad.withUnsafeBufferPointer { pad in
                bytes.withUnsafeBufferPointer { bytes in
                    OneTimePad.xor(bytes, with: UnsafeBufferPointer(rebasing: pad[offset...]), into: output)
                }
            }
            initialized = count
        }
    }
}
