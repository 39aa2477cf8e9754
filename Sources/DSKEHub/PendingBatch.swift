import DSKECore
import Foundation

/// The shares of one posted message (all of one key pair, one share index and one size) held in
/// one buffer: a 128-key batch is one object and one allocation at the hub, not 128 of each.
///
/// The plaintext shares live only in memory, by design: nothing of a key is ever written to the
/// hub's disk, so a seized hub reveals no past key. The price is that a hub restart loses the
/// shares in flight; the k-of-n threshold covers that (the responder rebuilds the key from the
/// other hubs, or the encryptor asks for a fresh key).
///
/// `@unchecked Sendable`: each share's bytes belong to whoever holds that share: the
/// `ShareStore` actor while it is pending, then the one claim that took it (claims are atomic),
/// which reads and wipes it. No two holders touch the same bytes. `expiresAt` and `held` are
/// only read and written inside the `ShareStore` actor.
final class PendingBatch: @unchecked Sendable {
    let keyIDs: [UUID]
    let masterClient: String
    let masterSAE: String
    let slaveSAE: String
    /// The client that served `slaveSAE` when the shares were posted: the only one that may fetch them.
    let slaveClient: String
    let shareIndex: Int
    let shareSize: Int
    /// Secret: never logged, never persisted. Share i is bytes i*shareSize..<(i+1)*shareSize.
    private let values: UnsafeMutableBufferPointer<UInt8>
    /// Set by `ShareStore` when it takes the batch.
    var expiresAt = ContinuousClock.now
    /// Shares of the batch the store still holds.
    var held = 0

    /// Opens the shares: `encrypted` XOR `pad`, straight into the batch's own buffer. The pad is
    /// wiped (it serves once), also when the parts do not fit together (nil: the message's
    /// readers check that, so this is a second line): one pad byte per share byte, and a whole
    /// number of equal shares, one per key ID.
    init?(keyIDs: [UUID], masterClient: String, masterSAE: String, slaveSAE: String, slaveClient: String,
          shareIndex: Int, encrypted: [UInt8], pad: [UInt8]) {
        guard !keyIDs.isEmpty, !encrypted.isEmpty, encrypted.count == pad.count, encrypted.count % keyIDs.count == 0 else {
            SecretBytes.wipe(pad)
            return nil
        }
        self.keyIDs = keyIDs
        self.masterClient = masterClient
        self.masterSAE = masterSAE
        self.slaveSAE = slaveSAE
        self.slaveClient = slaveClient
        self.shareIndex = shareIndex
        shareSize = encrypted.count / keyIDs.count
        values = .allocate(capacity: encrypted.count)
        encrypted.withUnsafeBufferPointer { encrypted in
            pad.withUnsafeBufferPointer { pad in OneTimePad.xor(encrypted, with: pad, into: values) }
        }
        SecretBytes.wipe(pad)
    }

    /// Every share of the batch, in order.
    var shares: [PendingShare] { keyIDs.indices.map { PendingShare(batch: self, position: $0) } }

    /// Valid only while the caller keeps this batch alive: use `PendingShare.withValue`.
    func value(at position: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: values[(position * shareSize)..<((position + 1) * shareSize)])
    }

    func wipe(at position: Int) {
        let start = position * shareSize
        values[start..<(start + shareSize)].update(repeating: 0)
    }

    deinit {
        values.update(repeating: 0)
        values.deallocate()
    }
}
