import NIOCore
import NIOPosix

/// Process-wide set-up of a node process (`dske node`, the benchmark's nodes).
public enum NodeProcess {
    /// Runs Swift Concurrency's global executor on the NIO event loops that already carry every
    /// socket of the node (Hummingbird's server and AsyncHTTPClient share
    /// `MultiThreadedEventLoopGroup.singleton`). Without it each request hops from an event loop
    /// to a concurrency thread for its handler and back for every read and write: on a machine
    /// that runs several nodes those hops are context switches. NIO's documented take-over, as
    /// Vapor's application template uses; call once, first thing in the process. Returns false
    /// where the runtime offers no hook (the default executor is then kept).
    @discardableResult
    public static func runConcurrencyOnEventLoops() -> Bool {
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }
}
