import Logging
import Synchronization

/// Process-wide logging setup for a node: swift-log to stderr, one line per event. Log lines never
/// carry PSRD bytes, keys or shares; callers log names, sizes, key IDs and allocation metadata.
public enum NodeLogging {
    private static let bootstrapped = Mutex(false)

    /// Installs the stderr handler once per process (swift-log traps on a second bootstrap, and
    /// both the `dske` command and the node entry points may ask).
    public static func bootstrapOnce(level: Logger.Level = .info) {
        let first = bootstrapped.withLock { done in
            defer { done = true }
            return !done
        }
        guard first else { return }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
