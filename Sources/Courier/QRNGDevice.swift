#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A quantum random number generator read through a device node (`/dev/qrandom0`,
/// `/dev/hwrng`, `/dev/ttyACM0`), a FIFO or a file, with the SP 800-90B continuous health tests
/// on every raw byte. Its bytes are never used raw: only `CombinedEntropy` reads them.
///
/// Every failure is final (SP 800-90B 4.4: a source that failed a test stays failed): a health
/// test failure, a stall (no byte for `stallTimeout`), the end of the stream, a read error.
public final class QRNGDevice {
    public let path: String
    public let stallTimeout: Duration
    /// Bytes run through the tests (and discarded) before the first use (SP 800-90B 4.3 asks for
    /// at least 1024 samples).
    public let startupBytes: Int
    public private(set) var tests: HealthTests
    /// Raw bytes delivered so far, start-up bytes included.
    public private(set) var bytesRead = 0
    /// The start-up test's results, once it ran.
    public private(set) var startupReport: HealthReport?

    private var descriptor: Int32
    private var failure: EntropyError?

    public var sourceName: String { "qrng:" + path }

    /// Opens the source without reading it. The open does not block on a FIFO without a writer:
    /// a writer that never comes is a stall.
    public init(path: String, stallTimeout: Duration = .seconds(5), tests: HealthTests = HealthTests(),
                startupBytes: Int = 4096) throws(EntropyError) {
        precondition(startupBytes >= 0 && stallTimeout > .zero)
        self.path = path
        self.stallTimeout = stallTimeout
        self.tests = tests
        self.startupBytes = startupBytes
        descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        if descriptor < 0 { throw .unavailable(source: "qrng:" + path, errno: errno) }
    }

    deinit { close() }

    public func close() {
        if descriptor >= 0 {
            #if canImport(Glibc)
            _ = Glibc.close(descriptor)
            #else
            _ = Darwin.close(descriptor)
            #endif
            descriptor = -1
        }
    }

    /// Runs the start-up test once (later calls return its report).
    @discardableResult
    public func startup() throws(EntropyError) -> HealthReport {
        if let startupReport { return startupReport }
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: max(startupBytes, 1), alignment: 8)
        defer { scratch.deallocate() }
        try readTested(UnsafeMutableRawBufferPointer(rebasing: scratch[0..<startupBytes]))
        let report = HealthReport(source: sourceName, entropyPerByte: tests.entropyPerByte,
                                  falseAlarmLog2: tests.falseAlarmLog2, repetitionCutoff: tests.repetitionCutoff,
                                  proportionWindow: tests.window, proportionCutoff: tests.proportionCutoff,
                                  startupBytes: tests.bytesTested, startupLongestRun: tests.longestRun,
                                  startupHighestCount: tests.highestCount)
        startupReport = report
        return report
    }

    /// Fills `buffer` with raw, health-tested bytes (after the start-up test).
    func readRaw(into buffer: UnsafeMutableRawBufferPointer) throws(EntropyError) {
        try startup()
        try readTested(buffer)
    }

    private func readTested(_ buffer: UnsafeMutableRawBufferPointer) throws(EntropyError) {
        if let failure { throw failure }
        do throws(EntropyError) {
            try readAll(buffer)
        } catch {
            failure = error
            throw error
        }
    }

    /// Poll, then read what is there, testing it at once; a deadline that restarts with every
    /// byte that arrives catches a stall.
    private func readAll(_ buffer: UnsafeMutableRawBufferPointer) throws(EntropyError) {
        guard descriptor >= 0 else { throw .readFailed(source: sourceName, errno: EBADF) }
        let clock = ContinuousClock()
        var deadline = clock.now + stallTimeout
        var backoff = Duration.milliseconds(1)
        var done = 0
        while done < buffer.count {
            let remaining = clock.now.duration(to: deadline)
            guard remaining > .zero else {
                throw .stalled(source: sourceName, timeout: stallTimeout, bytesRead: bytesRead)
            }
            var request = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&request, 1, Self.milliseconds(remaining))
            if ready < 0 {
                if errno == EINTR { continue }
                throw .readFailed(source: sourceName, errno: errno)
            }
            if ready == 0 { continue }  // the deadline check above reports the stall
            let target = buffer.baseAddress! + done
            let n = read(descriptor, target, buffer.count - done)
            if n > 0 {
                bytesRead += n
                if let failure = tests.test(UnsafeRawBufferPointer(start: target, count: n)) {
                    throw .healthTestFailed(source: sourceName, failure)
                }
                done += n
                deadline = clock.now + stallTimeout
                backoff = .milliseconds(1)
            } else if n == 0 {
                // After poll said readable, 0 means the end: EOF of a file, or the FIFO's last
                // writer closed. (A FIFO that never had a writer does not poll readable.)
                throw .endOfStream(source: sourceName, bytesRead: bytesRead)
            } else if errno == EAGAIN || errno == EWOULDBLOCK {
                // Devices without poll support (some hw_random drivers) report ready and then
                // EAGAIN: wait a little, up to the deadline.
                let pause = min(backoff, clock.now.duration(to: deadline))
                if pause > .zero { Self.sleep(pause) }
                backoff = min(backoff * 2, .milliseconds(50))
            } else if errno != EINTR {
                throw .readFailed(source: sourceName, errno: errno)
            }
        }
    }

    private static func milliseconds(_ duration: Duration) -> Int32 {
        let (seconds, attoseconds) = duration.components
        let ms = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: max(ms, 1))
    }

    private static func sleep(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    }
}
