#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Random bytes from the operating system's CSPRNG (getrandom on Linux), in as few system calls
/// as the kernel allows (SystemRandomNumberGenerator makes one per eight bytes; glibc's
/// getentropy one per 256 bytes, which made a hub's 256 KB PSRD block 1,024 calls and 2% of
/// the network's CPU in the batch benchmark).
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
        var offset = 0
        while offset < buffer.count {
            let wanted = buffer.count - offset
            if let getrandom {
                // The urandom source returns up to 32 MiB per call once initialised; a signal
                // can cut a large request short (fewer bytes, or EINTR before any).
                let got = getrandom(base + offset, wanted, 0)
                if got > 0 {
                    offset += got
                    continue
                }
                guard got < 0, errno == EINTR else { fatalError("getrandom failed (errno \(errno))") }
                continue
            }
            let count = min(256, wanted)
            guard getentropy(base + offset, count) == 0 else {
                // Without a working CSPRNG no key material can be produced safely.
                fatalError("getentropy failed (errno \(errno))")
            }
            offset += count
        }
        #endif
    }

    #if !canImport(Darwin)
    private typealias GetRandom = @convention(c) (UnsafeMutableRawPointer, Int, UInt32) -> Int

    /// glibc's getrandom (2.25 and later), looked up because the Swift Glibc module does not
    /// expose it; nil elsewhere, and getentropy is used.
    private static let getrandom: GetRandom? = dlsym(nil, "getrandom").map { unsafeBitCast($0, to: GetRandom.self) }
    #endif
}
