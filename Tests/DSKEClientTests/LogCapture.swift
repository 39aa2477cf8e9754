import Logging
import Synchronization

/// Keeps a client's log lines so a test can check what it told the operator (a tampering hub
/// must be named) and that no line carries key material.
final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])

    func logger(label: String) -> Logger {
        Logger(label: label) { _ in CaptureHandler(capture: self) }
    }

    var all: [String] { lines.withLock { $0 } }

    func contains(_ text: String) -> Bool { all.contains { $0.contains(text) } }

    fileprivate func append(_ line: String) { lines.withLock { $0.append(line) } }
}

private struct CaptureHandler: LogHandler {
    let capture: LogCapture
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        capture.append("\(event.level) \(event.message)")
    }
}
