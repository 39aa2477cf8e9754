import DSKECore
import DSKEService
import Foundation

/// The shares a hub holds, in memory only (see `PendingBatch` for why), with the checks the
/// reference lacks: one share per key ID, only the client serving the slave SAE named at POST
/// time may take it, taking it removes it, and unclaimed shares expire.
///
/// Claims are all-or-nothing and atomic (one actor call), so two concurrent fetches can never
/// both receive the same share; a claim whose answer cannot be built is undone with `restore`.
/// Shares are held by batch (`PendingBatch`, one per posted message): the index maps each key ID
/// to its batch and position, and expiry is tracked per batch.
actor ShareStore {
    struct Counters: Sendable {
        var posted = 0
        var delivered = 0
        var expired = 0
        var deleted = 0
        var refused = 0
    }

    let expiry: Duration
    let capacity: Int
    private let now: @Sendable () -> ContinuousClock.Instant
    private var shares: [UUID: PendingShare] = [:]
    /// Batches in the order they expire. Every share lives for the same `expiry` from its POST,
    /// so posting order is expiry order and a purge only looks at the front: O(expired), not
    /// O(held). Batches whose shares were all delivered or deleted meanwhile are skipped when
    /// reached. Weak: a batch whose shares all left is freed once its claimers are done, not
    /// when its entry is reached (a batch of 128 shares holds 6 KB).
    private var expiryQueue: [QueuedBatch] = []
    private struct QueuedBatch {
        weak var batch: PendingBatch?
    }
    private var queueHead = 0
    /// Batches with at least one share held.
    private var liveBatches = 0
    private(set) var counters = Counters()

    init(expiry: Duration, capacity: Int = 1_000_000,
         now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }) {
        self.expiry = expiry
        self.capacity = capacity
        self.now = now
    }

    var pendingCount: Int {
        purgeExpired()
        return shares.count
    }

    /// Stores every share of the batches or none: refused when a key ID is already held (a share
    /// is posted once) or when the store is full.
    func add(_ batches: [PendingBatch]) throws(ServiceError) {
        purgeExpired()
        let count = batches.reduce(0) { $0 + $1.keyIDs.count }
        guard shares.count + count <= capacity else {
            counters.refused += 1
            throw .unavailable("Too many pending shares.", details: ["capacity": .number(JSONNumber(capacity))])
        }
        // Stamped here, inside the actor, so the queue is in expiry order.
        let expiresAt = now() + expiry
        // Inserted as checked (one hash per key); a key ID already held puts back what it
        // displaced and takes out what this call inserted, so the add stays all-or-nothing.
        var inserted: [UUID] = []
        inserted.reserveCapacity(count)
        for batch in batches {
            batch.expiresAt = expiresAt
            for position in batch.keyIDs.indices {
                let id = batch.keyIDs[position]
                if let held = shares.updateValue(PendingShare(batch: batch, position: position), forKey: id) {
                    shares[id] = held
                    for id in inserted { shares.removeValue(forKey: id) }
                    counters.refused += 1
                    throw .conflict("A share for this key ID is already held.", details: ["key_id": .string(id.lowercased)])
                }
                inserted.append(id)
            }
        }
        for batch in batches {
            batch.held = batch.keyIDs.count
            liveBatches += 1
            expiryQueue.append(QueuedBatch(batch: batch))
        }
        counters.posted += count
        dropDeadEntriesIfMostlyDead()
    }

    /// Batches still queued: for tests.
    var queuedEntries: Int { expiryQueue.count - queueHead }

    /// Most shares are claimed long before they expire, so without this the queue would hold an
    /// entry for every batch posted in the last `expiry`, long after its shares left. Rebuilt,
    /// O(queue), once dead entries outnumber live ones twice over: amortised O(1) per batch.
    private func dropDeadEntriesIfMostlyDead() {
        guard expiryQueue.count - queueHead > 2 * liveBatches + 1024 else { return }
        expiryQueue = expiryQueue[queueHead...].filter { ($0.batch?.held ?? 0) > 0 }
        queueHead = 0
    }

    /// Takes the shares of `keyIDs` for `client`. Key IDs the hub does not hold are skipped (the
    /// caller decides whether that is a 404). Any held share that `client` may not have, or whose
    /// master/slave SAEs differ from the request, refuses the whole claim with 401.
    func claim(keyIDs: [UUID], client: String, masterSAE: String, slaveSAE: String) throws(ServiceError) -> [PendingShare] {
        purgeExpired()
        var found: [PendingShare] = []
        found.reserveCapacity(keyIDs.count)
        // The batch whose pair was last checked: the shares of a batch share one pair.
        var checked: PendingBatch?
        // Each share is taken out as it is checked (one hash per key); a refusal puts back every
        // share taken, so the claim stays all-or-nothing. The key IDs are distinct (every
        // message that names several checks that).
        for id in keyIDs {
            guard let share = shares.removeValue(forKey: id) else { continue }
            if share.batch !== checked {
                if let refusal = Self.refusal(of: share, client: client, masterSAE: masterSAE, slaveSAE: slaveSAE) {
                    shares[id] = share
                    for taken in found { shares[taken.keyID] = taken }
                    counters.refused += 1
                    throw refusal
                }
                checked = share.batch
            }
            found.append(share)
        }
        for share in found { release(share.batch) }
        counters.delivered += found.count
        return found
    }

    /// One share of `batch` left the store.
    private func release(_ batch: PendingBatch) {
        batch.held -= 1
        if batch.held == 0 { liveBatches -= 1 }
    }

    /// One share of `batch` came back.
    private func retain(_ batch: PendingBatch) {
        if batch.held == 0 { liveBatches += 1 }
        batch.held += 1
    }

    /// Why `client` may not take `share` for this master/slave pair, if it may not.
    private static func refusal(of share: PendingShare, client: String, masterSAE: String, slaveSAE: String) -> ServiceError? {
        let id = share.keyID
        guard share.slaveClient == client else {
            return .notAllowed("Client may not fetch this share.", details: ["client_name": .string(client), "key_id": .string(id.lowercased)])
        }
        guard share.masterSAE == masterSAE, share.slaveSAE == slaveSAE else {
            return .notAllowed("Master and slave SAE IDs do not match the key.",
                               details: ["key_id": .string(id.lowercased), "master_sae_id": .string(masterSAE),
                                         "slave_sae_id": .string(slaveSAE)])
        }
        return nil
    }

    /// Puts back shares whose delivery failed before an answer left (e.g. the hub's own pool ran
    /// dry), unless they expired meanwhile.
    func restore(_ claimed: [PendingShare]) {
        let current = now()
        for share in claimed {
            counters.delivered -= 1
            guard share.batch.expiresAt > current, shares[share.keyID] == nil else {
                share.wipe()
                continue
            }
            // A batch with no share held may have left the queue; a share put back must expire.
            if share.batch.held == 0 { requeue(share.batch) }
            shares[share.keyID] = share
            retain(share.batch)
        }
    }

    /// Queues again, in expiry order, a batch that `dropDeadEntriesIfMostlyDead` may have dropped.
    /// O(queue), but rare: a restore follows a hub whose own pool ran dry.
    private func requeue(_ batch: PendingBatch) {
        let pending = expiryQueue[queueHead...]
        guard !pending.contains(where: { $0.batch === batch }) else { return }
        let at = pending.firstIndex { $0.batch.map { $0.expiresAt > batch.expiresAt } ?? false } ?? expiryQueue.count
        expiryQueue.insert(QueuedBatch(batch: batch), at: at)
    }

    /// Removes a share at the request of the client that posted it (a scatter that failed).
    func delete(keyID: UUID, by client: String) throws(ServiceError) {
        purgeExpired()
        guard let owner = shares[keyID]?.masterClient else {
            throw .notFound("Unknown key ID.", details: ["key_id": .string(keyID.lowercased)])
        }
        guard owner == client else {
            counters.refused += 1
            throw .notAllowed("Only the client that posted a share may delete it.",
                              details: ["client_name": .string(client), "key_id": .string(keyID.lowercased)])
        }
        drop(keyID)
        counters.deleted += 1
    }

    /// Forgets shares just added whose acknowledgement could not be produced (the poster will
    /// treat the POST as failed, so the hub must not keep them).
    func discard(_ batches: [PendingBatch]) {
        for batch in batches {
            for id in batch.keyIDs where shares[id]?.batch === batch {
                drop(id)
                counters.posted -= 1
            }
        }
    }

    /// Removes a held share and wipes it.
    private func drop(_ keyID: UUID) {
        guard let share = shares.removeValue(forKey: keyID) else { return }
        share.wipe()
        release(share.batch)
    }

    /// Drops expired shares; called on every access and by the hub's periodic sweep.
    @discardableResult
    func purgeExpired() -> Int {
        let current = now()
        var dropped = 0
        while queueHead < expiryQueue.count {
            // A freed batch had no share left here: it no longer bounds the queue's order.
            guard let batch = expiryQueue[queueHead].batch else {
                queueHead += 1
                continue
            }
            guard batch.expiresAt <= current else { break }
            queueHead += 1
            guard batch.held > 0 else { continue }
            // Only this batch's shares: a key ID posted again after delivery belongs to its own,
            // later batch.
            for id in batch.keyIDs where shares[id]?.batch === batch {
                drop(id)
                dropped += 1
            }
        }
        if queueHead > 1024, queueHead * 2 > expiryQueue.count {
            expiryQueue.removeFirst(queueHead)
            queueHead = 0
        }
        counters.expired += dropped
        return dropped
    }
}
