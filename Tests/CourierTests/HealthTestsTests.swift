@testable import Courier
import Foundation
import Testing

@Suite struct HealthTestsTests {
    @Test func theCutoffsAreThoseOfSP800_90BForFullEntropyBytes() {
        let tests = HealthTests()
        // RCT: 1 + ceil(40 / 8). APT: 1 + CRITBINOM(1024, 2^-8, 1 - 2^-40), computed exactly
        // with rational arithmetic in docs/entropy.md.
        #expect(tests.repetitionCutoff == 6)
        #expect(tests.proportionCutoff == 26)
        // The same formulas at alpha = 2^-20 and 2^-30 (exact values 18 and 22), and at H = 1
        // bit per byte (RCT 1 + 40 = 41).
        #expect(HealthTests.adaptiveProportionCutoff(window: 1024, entropyPerByte: 8, falseAlarmLog2: -20) == 18)
        #expect(HealthTests.adaptiveProportionCutoff(window: 1024, entropyPerByte: 8, falseAlarmLog2: -30) == 22)
        #expect(HealthTests.repetitionCountCutoff(entropyPerByte: 8, falseAlarmLog2: -20) == 4)
        #expect(HealthTests.repetitionCountCutoff(entropyPerByte: 1, falseAlarmLog2: -40) == 41)
        // A far wider binomial: H = 1 (p = 1/2), W = 1024, alpha = 2^-20; exact value 589.
        #expect(HealthTests.adaptiveProportionCutoff(window: 1024, entropyPerByte: 1, falseAlarmLog2: -20) == 589)
    }

    static func run(_ bytes: [UInt8], _ tests: inout HealthTests) -> HealthFailure? {
        bytes.withUnsafeBytes { tests.test($0) }
    }

    @Test func sixEqualBytesFailTheRepetitionCountTestAtTheSixth() {
        var tests = HealthTests()
        #expect(Self.run([1, 2, 7, 7, 7, 7, 7], &tests) == nil)
        #expect(tests.longestRun == 5)
        // The run continues across calls: the stream is one stream.
        #expect(Self.run([7, 8], &tests) == .repetitionCount(run: 6, cutoff: 6, offset: 7))
    }

    @Test func aValueFillingAWindowFailsTheAdaptiveProportionTest() {
        var tests = HealthTests()
        // 0xAA at every even position, never repeated: the RCT cannot see it.
        let biased = (0..<2048).map { $0 % 2 == 0 ? UInt8(0xAA) : UInt8($0 / 2 % 200) }
        #expect(Self.run(biased, &tests) == .adaptiveProportion(count: 26, window: 1024, cutoff: 26, offset: 50))
    }

    @Test func theWindowCountRestartsWithEachWindow() {
        var tests = HealthTests()
        // 25 copies of the window's first value per window, never adjacent: just under the cutoff.
        var stream: [UInt8] = []
        for window in 0..<4 {
            var samples = [UInt8](repeating: 0, count: 1024)
            for i in 0..<1024 { samples[i] = UInt8(1 + (i * 7 + window) % 250) }
            for i in 0..<25 { samples[i * 40] = 0xFF }
            stream += samples
        }
        #expect(Self.run(stream, &tests) == nil)
        #expect(tests.highestCount == 25)
        #expect(tests.bytesTested == 4096)
    }

    @Test func randomBytesPass() {
        var tests = HealthTests()
        var generator = SystemRandomNumberGenerator()
        let random = (0..<(1 << 20)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        // A false alarm here has probability about 2^-19 (docs/entropy.md).
        #expect(Self.run(random, &tests) == nil)
        #expect(tests.longestRun < 6 && tests.highestCount < 26)
    }
}
