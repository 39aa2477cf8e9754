#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The continuous health tests of NIST SP 800-90B section 4.4 on a stream of byte samples:
/// the repetition count test (RCT) and the adaptive proportion test (APT), with cutoffs computed
/// from the assessed min-entropy per byte H and the false-alarm probability alpha. With the
/// defaults (H = 8, alpha = 2^-40, W = 1024) the cutoffs are RCT 6 and APT 26 (docs/entropy.md).
public struct HealthTests: Sendable {
    public let entropyPerByte: Int
    public let falseAlarmLog2: Int
    public let window: Int
    public let repetitionCutoff: Int
    public let proportionCutoff: Int

    /// Samples tested so far.
    public private(set) var bytesTested = 0
    /// The longest run of one value seen (a run reaching the cutoff fails instead).
    public private(set) var longestRun = 0
    /// The highest count of a window's first value seen in any window.
    public private(set) var highestCount = 0

    private var runValue: UInt8 = 0
    private var runLength = 0
    private var windowValue: UInt8 = 0
    private var windowCount = 0
    /// Samples of the current window seen; 0 starts a new window with the next sample.
    private var windowPosition = 0

    public init(entropyPerByte: Int = 8, falseAlarmLog2: Int = -40, window: Int = 1024) {
        precondition((1...8).contains(entropyPerByte) && falseAlarmLog2 < 0 && falseAlarmLog2 >= -256 && window >= 2)
        self.entropyPerByte = entropyPerByte
        self.falseAlarmLog2 = falseAlarmLog2
        self.window = window
        repetitionCutoff = Self.repetitionCountCutoff(entropyPerByte: entropyPerByte, falseAlarmLog2: falseAlarmLog2)
        proportionCutoff = Self.adaptiveProportionCutoff(window: window, entropyPerByte: entropyPerByte,
                                                         falseAlarmLog2: falseAlarmLog2)
    }

    /// SP 800-90B 4.4.1: C = 1 + ceil(-log2(alpha) / H).
    public static func repetitionCountCutoff(entropyPerByte: Int, falseAlarmLog2: Int) -> Int {
        1 + (-falseAlarmLog2 + entropyPerByte - 1) / entropyPerByte
    }

    /// SP 800-90B 4.4.2: C = 1 + CRITBINOM(W, 2^-H, 1 - alpha), the smallest k with
    /// P(Binomial(W, 2^-H) <= k) >= 1 - alpha, found by summing the upper tail from the top
    /// (in logarithms, so the tiny terms neither underflow early nor cancel).
    public static func adaptiveProportionCutoff(window: Int, entropyPerByte: Int, falseAlarmLog2: Int) -> Int {
        let n = Double(window), p = 1 / Double(1 << entropyPerByte)
        let alpha = pow(2.0, Double(falseAlarmLog2))
        func logProbability(_ k: Int) -> Double {
            let k = Double(k)
            return lgamma(n + 1) - lgamma(k + 1) - lgamma(n - k + 1) + k * log(p) + (n - k) * log1p(-p)
        }
        var tail = 0.0  // P(X >= k)
        var k = window
        while k > 0 {
            tail += exp(logProbability(k))
            if tail > alpha { break }
            k -= 1
        }
        // Now P(X >= k) > alpha while P(X > k) <= alpha: k is CRITBINOM.
        return 1 + k
    }

    /// Runs both tests over `bytes`, which continue the stream. Returns the first failure.
    public mutating func test(_ bytes: UnsafeRawBufferPointer) -> HealthFailure? {
        var runValue = self.runValue, runLength = self.runLength, longestRun = self.longestRun
        var windowValue = self.windowValue, windowCount = self.windowCount, windowPosition = self.windowPosition
        var highestCount = self.highestCount
        var failure: HealthFailure?
        let start = bytesTested
        var index = 0
        for byte in bytes {
            if runLength > 0 && byte == runValue {
                runLength += 1
                if runLength >= repetitionCutoff {
                    failure = .repetitionCount(run: runLength, cutoff: repetitionCutoff, offset: start + index)
                    break
                }
            } else {
                runValue = byte
                runLength = 1
            }
            if runLength > longestRun { longestRun = runLength }

            if windowPosition == 0 {
                windowValue = byte
                windowCount = 1
            } else if byte == windowValue {
                windowCount += 1
                if windowCount >= proportionCutoff {
                    failure = .adaptiveProportion(count: windowCount, window: window, cutoff: proportionCutoff,
                                                  offset: start + index)
                    break
                }
            }
            if windowCount > highestCount { highestCount = windowCount }
            windowPosition += 1
            if windowPosition == window { windowPosition = 0 }
            index += 1
        }
        self.runValue = runValue
        self.runLength = runLength
        self.longestRun = longestRun
        self.windowValue = windowValue
        self.windowCount = windowCount
        self.windowPosition = windowPosition
        self.highestCount = highestCount
        bytesTested = start + index
        return failure
    }
}
