#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The operating system's CSPRNG: Linux getrandom(2) in large reads (up to 32 MiB per call;
/// glibc's getentropy stops at 256 bytes, which costs a third more time at bulk rates).
public struct OSEntropy: EntropySource, Sendable {
    public static let sourceName = "os:getrandom"

    public init() {}

    public var record: BundleEntropy { .operatingSystemOnly }

    public func fill(_ buffer: UnsafeMutableRawBufferPointer) throws(EntropyError) {
        guard let base = buffer.baseAddress else { return }
        var done = 0
        while done < buffer.count {
            let n = Self.getrandom(base + done, min(buffer.count - done, 1 << 25))
            if n < 0 {
                if errno == EINTR { continue }
                throw .operatingSystem(errno: errno)
            }
            done += n
        }
    }

    #if canImport(Darwin)
    private static func getrandom(_ base: UnsafeMutableRawPointer, _ count: Int) -> Int {
        arc4random_buf(base, count)
        return count
    }
    #else
    private typealias GetRandom = @convention(c) (UnsafeMutableRawPointer?, Int, UInt32) -> Int

    /// Swift's Glibc module does not import <sys/random.h>; glibc (2.25 and later) exports the
    /// function, so it is looked up once. Without it, /dev/urandom serves the same kernel CSPRNG.
    private static let getrandomFunction: GetRandom? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "getrandom") else { return nil }
        return unsafeBitCast(symbol, to: GetRandom.self)
    }()

    private static let urandom: Int32 = open("/dev/urandom", O_RDONLY | O_CLOEXEC)

    private static func getrandom(_ base: UnsafeMutableRawPointer, _ count: Int) -> Int {
        if let getrandomFunction { return getrandomFunction(base, count, 0) }
        guard urandom >= 0 else { return -1 }
        return read(urandom, base, count)
    }
    #endif
}
