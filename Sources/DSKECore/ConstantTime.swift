/// Comparisons whose running time depends on the lengths only, never on where bytes differ, so a
/// forger cannot learn a MAC tag byte by byte from response times.
public enum ConstantTime {
    /// True when `a` and `b` hold the same bytes. Leaks only whether the lengths differ.
    public static func equals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                for i in 0..<a.count { difference |= a[i] ^ b[i] }
            }
        }
        return difference == 0
    }
}
