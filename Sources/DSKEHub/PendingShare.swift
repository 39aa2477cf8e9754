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

    /// The share's bytes (secret): valid while the caller holds the share and has not wiped it.
    var value: UnsafeBufferPointer<UInt8> { batch.value(at: position) }

    /// Overwrites the share's bytes once delivered or dropped, so the heap does not keep them.
    func wipe() { batch.wipe(at: position) }
}
