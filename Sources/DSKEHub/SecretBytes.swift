import Synchronization

/// Secret bytes (a plaintext key share) held by reference, so that wiping them reaches the one
/// buffer every copy of the holder shares, and dropping the last reference wipes them too.
/// Best effort: Swift may have copied the array before it got here.
final class SecretBytes: Sendable {
    private let storage: Mutex<[UInt8]>

    init(_ bytes: [UInt8]) { storage = Mutex(bytes) }

    var count: Int { storage.withLock { $0.count } }

    func withBytes<R>(_ body: ([UInt8]) throws -> R) rethrows -> R {
        try storage.withLock { try body($0) }
    }

    func wipe() {
        storage.withLock { bytes in
            bytes.withUnsafeMutableBytes { raw in
                for i in raw.indices { raw[i] = 0 }
            }
            bytes = []
        }
    }

    deinit { wipe() }
}
