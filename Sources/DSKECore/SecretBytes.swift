import Synchronization

/// Secret bytes (a key share, a delivered key) held by reference, so that wiping them reaches the
/// one buffer every copy of the holder shares, and dropping the last reference wipes them too.
///
/// `wipe` zeroes the array's heap buffer in place, not a copy of it: an array this was made from
/// (say a key's `[UInt8]`) shares that buffer until someone writes to it, so wiping here clears
/// that array's bytes as well. Best effort all the same: a copy Swift made before the bytes got
/// here, or an encoding of them, is out of reach.
public final class SecretBytes: Sendable {
    private let storage: Mutex<[UInt8]>

    public init(_ bytes: [UInt8]) { storage = Mutex(bytes) }

    public var count: Int { storage.withLock { $0.count } }

    public func withBytes<R>(_ body: ([UInt8]) throws -> R) rethrows -> R {
        try storage.withLock { try body($0) }
    }

    public func wipe() {
        storage.withLock { bytes in
            Self.wipe(bytes)
            bytes = []
        }
    }

    /// Zeroes the heap buffer of `bytes` in place: the caller's array, and every copy sharing its
    /// buffer, read zeros afterwards. For secrets held in plain arrays (a pad) once used.
    public static func wipe(_ bytes: [UInt8]) {
        // Through the read-only view: a mutable one would copy a shared buffer first and wipe
        // the copy, leaving the original (still referenced elsewhere) intact.
        bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress, raw.count > 0 else { return }
            let mutable = UnsafeMutableRawPointer(mutating: base)
            for i in 0..<raw.count { mutable.storeBytes(of: 0, toByteOffset: i, as: UInt8.self) }
        }
    }

    deinit { wipe() }
}
