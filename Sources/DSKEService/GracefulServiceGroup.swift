import Logging
import ServiceLifecycle
import UnixSignals

/// Runs a node's servers in a `ServiceGroup` that the calling task's cancellation shuts down
/// gracefully instead of cancelling. A Hummingbird server whose task is cancelled logs a normal
/// stop as two errors: "Waiting on child channel: CancellationError()" from its accept loop, then
/// "Server shutdown error: Already closed" from its graceful-shutdown handler, which finds the
/// channel the cancellation already closed; and it drops the requests in flight. The group runs
/// in a task of its own (so the cancellation does not reach it) and is asked to shut down.
public enum GracefulServiceGroup {
    /// Serves until every service ends: a signal in `signals`, the calling task's cancellation, or
    /// a service ending. `gracePeriod`: how long requests in flight may take once a stop began;
    /// after it the servers are cancelled after all (nil: as long as they take).
    public static func run(_ services: [any Service], signals: [UnixSignal] = [], gracePeriod: Duration? = nil,
                           logger: Logger) async throws {
        var configuration = ServiceGroupConfiguration(services: services, gracefulShutdownSignals: signals, logger: logger)
        configuration.maximumGracefulShutdownDuration = gracePeriod
        let group = ServiceGroup(configuration: configuration)
        let serving = Task { try await group.run() }
        try await withTaskCancellationHandler {
            try await serving.value
        } onCancel: {
            Task { await group.triggerGracefulShutdown() }
        }
    }
}
