#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why an entropy source gave no bytes. Any of these aborts an issue; none leaves a bundle.
public enum EntropyError: Error, Equatable, Sendable {
    /// The QRNG's device node, FIFO or file could not be opened.
    case unavailable(source: String, errno: Int32)
    /// A continuous health test failed on the raw stream.
    case healthTestFailed(source: String, HealthFailure)
    /// No byte arrived within the timeout.
    case stalled(source: String, timeout: Duration, bytesRead: Int)
    /// The stream ended (end of file, or the FIFO's writer closed it).
    case endOfStream(source: String, bytesRead: Int)
    case readFailed(source: String, errno: Int32)
    /// getrandom failed: without the OS CSPRNG nothing may be generated.
    case operatingSystem(errno: Int32)
}

extension EntropyError: CustomStringConvertible {
    public var description: String {
        switch self {
        case let .unavailable(source, code):
            return "entropy source \(source) cannot be opened: \(String(cString: strerror(code))) (errno \(code))"
        case let .healthTestFailed(source, failure):
            return "entropy source \(source) \(failure): it is broken or stuck, do not use it"
        case let .stalled(source, timeout, bytesRead):
            return "entropy source \(source) stalled: no data for \(timeout) after \(bytesRead) bytes"
        case let .endOfStream(source, bytesRead):
            return "entropy source \(source) ended (end of file) after \(bytesRead) bytes"
        case let .readFailed(source, code):
            return "reading entropy source \(source) failed: \(String(cString: strerror(code))) (errno \(code))"
        case .operatingSystem(let code):
            return "the operating system's random generator failed: \(String(cString: strerror(code))) (errno \(code))"
        }
    }
}
