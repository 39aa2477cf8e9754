import NIOPosix

/// Runs blocking or long work on NIO's shared thread pool instead of the caller's thread. The
/// nodes run Swift concurrency on their event loops (`NodeProcess`), so anything slow done inline
/// holds every connection of that loop.
public enum OffLoop {
    public static func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        // The singleton pool is never shut down; were it inactive, the work runs here.
        (try? await NIOThreadPool.singleton.runIfActive(work)) ?? work()
    }
}
