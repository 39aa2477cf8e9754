import Testing
@testable import DSKECore

@Suite("GF(2^8) arithmetic")
struct GF256Tests {
    /// Textbook shift-and-add multiplication, branchy and slow: the independent oracle.
    private static func slowMultiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        var a = UInt16(a)
        var b = b
        var product: UInt16 = 0
        while b != 0 {
            if b & 1 == 1 { product ^= a }
            a <<= 1
            if a & 0x100 != 0 { a ^= 0x11B }
            b >>= 1
        }
        return UInt8(product)
    }

    @Test func multiplicationMatchesTheAESFieldExamples() {
        // FIPS 197 section 4.2: {57} * {83} = {c1} and {57} * {13} = {fe}.
        #expect(GF256.multiply(0x57, 0x83) == 0xC1)
        #expect(GF256.multiply(0x57, 0x13) == 0xFE)
    }

    @Test func multiplicationMatchesTheOracleForEveryPair() {
        for a in 0...255 {
            for b in 0...255 where GF256.multiply(UInt8(a), UInt8(b)) != Self.slowMultiply(UInt8(a), UInt8(b)) {
                Issue.record("multiply(\(a), \(b)) is wrong")
                return
            }
        }
    }

    /// The inverse by exhaustive search, for the oracle below.
    private static func slowInverse(_ a: UInt8) -> UInt8 {
        UInt8((1...255).first { slowMultiply(a, UInt8($0)) == 1 }!)
    }

    @Test func coordinateTablesAreLogarithmsToAGenerator() {
        let tables = GF256.coordinates
        // 3 generates the multiplicative group: its 255 powers are the 255 nonzero bytes.
        #expect(Set(tables.exp).count == 255)
        #expect(!tables.exp.contains(0))
        for i in 0..<255 {
            #expect(tables.log[Int(tables.exp[i])] == i)
            #expect(tables.exp[(i + 1) % 255] == Self.slowMultiply(tables.exp[i], 3))
        }
    }

    @Test func laneDoublingMatchesScalarDoublingInEveryLane() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<1000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let doubled = GF256.timesX(state)
            for lane in 0..<8 {
                let byte = UInt8(truncatingIfNeeded: state >> UInt64(lane * 8))
                #expect(UInt8(truncatingIfNeeded: doubled >> UInt64(lane * 8)) == GF256.multiply(byte, 2))
            }
        }
    }

    // draft-mcgrew-tss-03 test vector: the same field, secret at x = 0, M = 2.
    private static let tssSecret: [UInt8] = [0x74, 0x65, 0x73, 0x74, 0x00]
    private static let tssShare1: [UInt8] = [0xB9, 0xFA, 0x07, 0xE1, 0x85]
    private static let tssShare2: [UInt8] = [0xF5, 0x40, 0x9B, 0x45, 0x11]

    @Test func interpolationRecoversTheTSSDraftSecret() {
        let result = GF256.interpolate(xs: [1, 2], values: [Self.tssShare1, Self.tssShare2], targets: [0], length: 5)
        #expect(result == [Self.tssSecret])
    }

    @Test func interpolationReproducesTheTSSDraftShares() {
        let fromSecretAndFirst = GF256.interpolate(
            xs: [0, 1], values: [Self.tssSecret, Self.tssShare1], targets: [2, 1, 0], length: 5)
        #expect(fromSecretAndFirst == [Self.tssShare2, Self.tssShare1, Self.tssSecret])
    }

    /// Per-byte Lagrange interpolation with the oracle multiply, to check the word kernel at
    /// every tail length and across its 256-byte chunk boundary.
    private static func slowInterpolate(xs: [UInt8], values: [[UInt8]], at target: UInt8) -> [UInt8] {
        let length = values[0].count
        var result = [UInt8](repeating: 0, count: length)
        for i in xs.indices {
            var basis: UInt8 = 1
            for j in xs.indices where j != i {
                basis = slowMultiply(basis, slowMultiply(target ^ xs[j], slowInverse(xs[i] ^ xs[j])))
            }
            for b in 0..<length { result[b] ^= slowMultiply(basis, values[i][b]) }
        }
        return result
    }

    @Test(arguments: [1, 5, 7, 8, 9, 15, 16, 17, 31, 255, 256, 257, 263, 600])
    func wordKernelMatchesBytewiseInterpolation(length: Int) {
        var state: UInt8 = UInt8(truncatingIfNeeded: length)
        let xs: [UInt8] = [0, 3, 7, 254]
        let values = xs.map { _ in
            (0..<length).map { _ in
                state = state &* 29 &+ 71
                return state
            }
        }
        let targets: [UInt8] = [255, 1, 3, 200]
        let fast = GF256.interpolate(xs: xs, values: values, targets: targets, length: length)
        for (t, target) in targets.enumerated() {
            #expect(fast[t] == Self.slowInterpolate(xs: xs, values: values, at: target), "target \(target)")
        }
    }
}
