import DSKECore
import Foundation

/// One share a hub holds between the master client's POST and the slave client's GET: a position
/// in its `PendingBatch`, which carries the pair, the index and the bytes.
struct PendingShare: Sendable {
    let batch: PendingBatch
    let position: Int

    var keyID: UUID { batch.keyIDs[position] }
    var masterClient: String { batch.masterClient }
    var masterSAE: String { batch.masterSAE }
    var slaveSAE: String { batch.slaveSAE }
    var slaveClient: String { batch.slaveClient }
    var shareIndex: Int { batch.shareIndex }
    var size: Int { batch.shareSize }

    /// Lends the share's bytes (secret) to `body`. A closure, not a pointer-valued property: the
    /// batch owns the bytes, and an optimised build may release the last reference to it right
    /// after such a property returns, so a pointer handed out that way could read freed memory
    /// (a release-mode test did: another batch's bytes instead of the share).
    func withValue<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try withExtendedLifetime(batch) { try body(batch.value(at: position)) }
    }

    /// Overwrites the share's bytes once delivered or dropped, so the heap does not keep them.
    func wipe() { batch.wipe(at: position) }
}
