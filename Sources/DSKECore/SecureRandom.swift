#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Random bytes from the operating system's CSPRNG (getrandom on Linux), one system call per
/// 256 bytes (SystemRandomNumberGenerator makes one per eight bytes).
public enum SecureRandom {
    public static func bytes(_ count: Int) -> [UInt8] {
        precondition(count >= 0, "negative random byte count")
        return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            fill(UnsafeMutableRawBufferPointer(buffer))
            initialized = count
        }
    }

    private static func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        #if canImport(Darwin)
        arc4random_buf(base, buffer.count)
        #else
        // getentropy (glibc's wrapper over the getrandom system call) fills at most 256 bytes per
        // call; the Swift Glibc module does not expose getrandom itself.
        var offset = 0
        while offset < buffer.count {
            let count = min(256, buffer.count - offset)
            guard getentropy(base + offset, count) == 0 else {
                // Without a working CSPRNG no key material can be produced safely.
                fatalError("getentropy failed (errno \(errno))")
            }
            offset += count
        }
        #endif
    }
}
