/// Which SP 800-90B continuous health test failed, and where in the raw stream (byte offset
/// counted from the first byte the source delivered).
public enum HealthFailure: Sendable, Hashable {
    /// SP 800-90B 4.4.1: one value repeated `run` times in a row, `run >= cutoff`.
    case repetitionCount(run: Int, cutoff: Int, offset: Int)
    /// SP 800-90B 4.4.2: a window's first value appeared `count` times among its `window`
    /// samples, `count >= cutoff`.
    case adaptiveProportion(count: Int, window: Int, cutoff: Int, offset: Int)
}

extension HealthFailure: CustomStringConvertible {
    public var description: String {
        switch self {
        case let .repetitionCount(run, cutoff, offset):
            return "failed the repetition count test (SP 800-90B 4.4.1): one value \(run) times in a row "
                + "(cutoff \(cutoff)) at byte \(offset)"
        case let .adaptiveProportion(count, window, cutoff, offset):
            return "failed the adaptive proportion test (SP 800-90B 4.4.2): one value \(count) times in a window "
                + "of \(window) (cutoff \(cutoff)) at byte \(offset)"
        }
    }
}
