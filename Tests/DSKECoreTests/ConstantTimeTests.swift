import Testing
import DSKECore

@Suite("Constant-time comparison")
struct ConstantTimeTests {
    @Test func equalBytesAreEqual() {
        #expect(ConstantTime.equals([], []))
        #expect(ConstantTime.equals([1, 2, 3], [1, 2, 3]))
    }

    @Test func aDifferenceAnywhereIsFound() {
        let base = [UInt8](repeating: 0x5A, count: 32)
        for position in base.indices {
            for bit in 0..<8 {
                var other = base
                other[position] ^= 1 << UInt8(bit)
                #expect(!ConstantTime.equals(base, other), "byte \(position) bit \(bit)")
            }
        }
    }

    @Test func differentLengthsAreUnequal() {
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2]))
        #expect(!ConstantTime.equals([], [0]))
    }
}
