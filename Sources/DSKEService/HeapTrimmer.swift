#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Gives the free pages of a node's C heap back to the system once the node goes quiet after
/// work. glibc keeps memory freed in the middle of its heaps until `malloc_trim` is called (no
/// threshold returns it): after a burst of parallel key requests a client held 1.5-2.5 MiB of
/// such pages, and up to 8 MiB before the share messages stopped going through Codable.
/// Trimming walks every free chunk under the arena locks, so it runs from one background task
/// that samples the process's CPU time, never per request and never while the node is busy.
public struct HeapTrimmer: Sendable {
    /// How often the process's CPU time is sampled.
    public static let tick: Duration = .milliseconds(250)

    /// The share of one core below which a tick counts as quiet.
    public let quietShare: Double

    private var lastCPU: Duration?
    private var workedSinceTrim = false

    public init(quietShare: Double = 0.05) {
        self.quietShare = quietShare
    }

    /// Called once per tick with the CPU time the process has used so far and the wall time
    /// since the previous call; true on the first quiet tick after busy ones.
    public mutating func shouldTrim(cpuTime: Duration, elapsed: Duration) -> Bool {
        defer { lastCPU = cpuTime }
        guard let lastCPU else { return false }
        if cpuTime - lastCPU > elapsed * quietShare {
            workedSinceTrim = true
            return false
        }
        guard workedSinceTrim else { return false }
        workedSinceTrim = false
        return true
    }

    /// Samples and trims until cancelled. Does nothing where glibc's `malloc_trim` is missing.
    public static func run() async {
        guard let trim = mallocTrim else { return }
        var trimmer = HeapTrimmer()
        let clock = ContinuousClock()
        var last = clock.now
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: tick)
            } catch {
                return
            }
            let now = clock.now
            if trimmer.shouldTrim(cpuTime: processCPUTime(), elapsed: now - last) { _ = trim(0) }
            last = now
        }
    }

    private typealias MallocTrim = @convention(c) (Int) -> Int32

    /// <malloc.h> is not part of the Glibc module: look it up (RTLD_DEFAULT is nil).
    private static let mallocTrim: MallocTrim? = {
        #if canImport(Glibc)
        if let symbol = dlsym(nil, "malloc_trim") { return unsafeBitCast(symbol, to: MallocTrim.self) }
        #endif
        return nil
    }()

    private static func processCPUTime() -> Duration {
        var now = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now)
        return .seconds(now.tv_sec) + .nanoseconds(now.tv_nsec)
    }
}
