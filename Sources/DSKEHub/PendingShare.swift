import DSKECore
import Foundation

/// A key share a hub holds between the master client's POST and the slave client's GET.
///
/// The plaintext share lives only in memory, by design: nothing of a key is ever written to the
/// hub's disk, so a seized hub reveals no past key. The price is that a hub restart loses the
/// shares in flight; the k-of-n threshold covers that (the responder rebuilds the key from the
/// other hubs, or the encryptor asks for a fresh key).
struct PendingShare: Sendable {
    let keyID: UUID
    let masterClient: String
    let masterSAE: String
    let slaveSAE: String
    /// The client that served `slaveSAE` when the share was posted: the only one that may fetch it.
    let slaveClient: String
    let shareIndex: Int
    /// Secret: never logged, never persisted.
    let value: SecretBytes

    init(keyID: UUID, masterClient: String, masterSAE: String, slaveSAE: String, slaveClient: String,
         shareIndex: Int, value: SecretBytes) {
        self.keyID = keyID
        self.masterClient = masterClient
        self.masterSAE = masterSAE
        self.slaveSAE = slaveSAE
        self.slaveClient = slaveClient
        self.shareIndex = shareIndex
        self.value = value
        self.expiresAt = ContinuousClock.now
    }
    /// Set by `ShareStore.add`.
    var expiresAt: ContinuousClock.Instant

    /// Overwrites the share's bytes before it is dropped, so the heap does not keep it.
    func wipe() { value.wipe() }
}
