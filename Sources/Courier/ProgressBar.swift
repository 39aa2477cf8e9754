#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A one-line progress bar on stderr for long work, redrawn at most ten times a second:
/// `issue carol  [##########..........]  52%  532.0 MiB / 1.0 GiB  301.2 MiB/s`. Drawn only when
/// stderr is a terminal, so logs and scripts see nothing of it. Used from one thread.
public final class ProgressBar {
    public let label: String
    public let total: Int
    public let enabled: Bool
    private let start = ContinuousClock.now
    private var lastDraw: ContinuousClock.Instant?
    private var drawn = false

    static let width = 24
    static let interval = Duration.milliseconds(100)

    public init(label: String, total: Int, enabled: Bool = ProgressBar.stderrIsTerminal) {
        self.label = label
        self.total = max(total, 1)
        self.enabled = enabled
    }

    public static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    public func update(_ done: Int) {
        guard enabled else { return }
        let now = ContinuousClock.now
        if let lastDraw, now - lastDraw < Self.interval, done < total { return }
        lastDraw = now
        draw(done, elapsed: now - start)
    }

    /// Draws the final state and ends the line.
    public func finish(_ done: Int? = nil) {
        guard enabled else { return }
        draw(done ?? total, elapsed: ContinuousClock.now - start)
        emit("\n")
        drawn = false
    }

    /// Clears the line (before an error message).
    public func clear() {
        guard enabled, drawn else { return }
        emit("\r\u{1B}[2K")
        drawn = false
    }

    func line(_ done: Int, elapsed: Duration) -> String {
        let fraction = min(1, Double(max(done, 0)) / Double(total))
        let filled = Int(fraction * Double(Self.width))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: Self.width - filled)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let rate = seconds > 0.05 ? "  \(ByteCount.format(Int(Double(done) / seconds)))/s" : ""
        let percent = String(Int(fraction * 100))
        let padded = String(repeating: " ", count: max(0, 3 - percent.count)) + percent
        return "\(label)  [\(bar)] \(padded)%  \(ByteCount.format(done)) / \(ByteCount.format(total))\(rate)"
    }

    private func draw(_ done: Int, elapsed: Duration) {
        emit("\r\u{1B}[2K" + line(done, elapsed: elapsed))
        drawn = true
    }

    private func emit(_ text: String) {
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(STDERR_FILENO, raw.baseAddress! + offset, raw.count - offset)
                if n <= 0 { if errno == EINTR { continue } else { return } }
                offset += n
            }
        }
    }
}
