import Dispatch

/// Writes and syncs new block files on threads of its own. A refill's block (256 KB in the
/// benchmark, megabytes in a deployment) took one to several milliseconds of writing and fsync;
/// on the store's thread, an event loop in a node, every message waiting for a pad waited behind
/// it. Several writes may run at once: each has a file of its own.
enum BlockWriter {
    private static let queue = DispatchQueue(label: "dske.psrd-store.block-writes", qos: .userInitiated,
                                             attributes: .concurrent)

    /// Writes `bytes` to a new file at `path` and syncs it; on failure nothing is left at `path`.
    static func write(_ path: String, _ bytes: [UInt8]) async throws(StoreError) {
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<Void, StoreError>, Never>) in
            queue.async {
                let outcome = Result { () throws(StoreError) in try Posix.writeSynced(path, bytes) }
                if case .failure = outcome { try? Posix.wipeAndUnlink(path) }
                continuation.resume(returning: outcome)
            }
        }
        try result.get()
    }
}
