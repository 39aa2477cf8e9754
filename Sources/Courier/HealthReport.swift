/// What a bundle header records about the health tests of one raw entropy source.
///
/// The header is written before the payload, so the figures are those of the start-up test
/// (SP 800-90B 4.3: the continuous tests run over the first `startupBytes` bytes, which are then
/// discarded). The continuous tests then run on every later byte; a failure aborts the issue
/// and no bundle is left, so a bundle that exists passed them all (docs/entropy.md).
public struct HealthReport: Sendable, Hashable, Codable {
    /// The source as `EntropySource` names it, e.g. `qrng:/dev/qrandom0`.
    public let source: String
    /// The tests run: `sp800-90b-4.4` (repetition count and adaptive proportion).
    public let tests: String
    /// The min-entropy per byte the cutoffs assume (H).
    public let entropyPerByte: Int
    /// log2 of the false-alarm probability the cutoffs are set for (alpha), e.g. -40.
    public let falseAlarmLog2: Int
    public let repetitionCutoff: Int
    public let proportionWindow: Int
    public let proportionCutoff: Int
    public let startupBytes: Int
    /// The longest run of one value seen in the start-up bytes.
    public let startupLongestRun: Int
    /// The highest adaptive-proportion count seen in the start-up windows.
    public let startupHighestCount: Int
    /// `pass`: a failing source aborts the issue, so no other value is ever written.
    public let result: String

    public static let testsName = "sp800-90b-4.4"

    public init(source: String, tests: String = HealthReport.testsName, entropyPerByte: Int, falseAlarmLog2: Int,
                repetitionCutoff: Int, proportionWindow: Int, proportionCutoff: Int, startupBytes: Int,
                startupLongestRun: Int, startupHighestCount: Int, result: String = "pass") {
        self.source = source
        self.tests = tests
        self.entropyPerByte = entropyPerByte
        self.falseAlarmLog2 = falseAlarmLog2
        self.repetitionCutoff = repetitionCutoff
        self.proportionWindow = proportionWindow
        self.proportionCutoff = proportionCutoff
        self.startupBytes = startupBytes
        self.startupLongestRun = startupLongestRun
        self.startupHighestCount = startupHighestCount
        self.result = result
    }

    private enum CodingKeys: String, CodingKey {
        case source, tests
        case entropyPerByte = "entropy_per_byte"
        case falseAlarmLog2 = "false_alarm_log2"
        case repetitionCutoff = "rct_cutoff"
        case proportionWindow = "apt_window"
        case proportionCutoff = "apt_cutoff"
        case startupBytes = "startup_bytes"
        case startupLongestRun = "startup_longest_run"
        case startupHighestCount = "startup_highest_count"
        case result
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let counts = 0...BundleFormat.maxPayloadSize
        source = try container.decodeLabel(forKey: .source)
        tests = try container.decodeLabel(forKey: .tests)
        entropyPerByte = try container.decodeInteger(forKey: .entropyPerByte, in: 1...8)
        falseAlarmLog2 = try container.decodeInteger(forKey: .falseAlarmLog2, in: -256...0)
        repetitionCutoff = try container.decodeInteger(forKey: .repetitionCutoff, in: counts)
        proportionWindow = try container.decodeInteger(forKey: .proportionWindow, in: counts)
        proportionCutoff = try container.decodeInteger(forKey: .proportionCutoff, in: counts)
        startupBytes = try container.decodeInteger(forKey: .startupBytes, in: counts)
        startupLongestRun = try container.decodeInteger(forKey: .startupLongestRun, in: counts)
        startupHighestCount = try container.decodeInteger(forKey: .startupHighestCount, in: counts)
        result = try container.decodeLabel(forKey: .result)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(source, forKey: .source)
        try container.encode(tests, forKey: .tests)
        try container.encode(entropyPerByte, forKey: .entropyPerByte)
        try container.encode(falseAlarmLog2, forKey: .falseAlarmLog2)
        try container.encode(repetitionCutoff, forKey: .repetitionCutoff)
        try container.encode(proportionWindow, forKey: .proportionWindow)
        try container.encode(proportionCutoff, forKey: .proportionCutoff)
        try container.encode(startupBytes, forKey: .startupBytes)
        try container.encode(startupLongestRun, forKey: .startupLongestRun)
        try container.encode(startupHighestCount, forKey: .startupHighestCount)
        try container.encode(result, forKey: .result)
    }
}
