import DSKECore
import DSKEService
import Foundation

/// The shares a hub holds, in memory only (see `PendingShare` for why), with the checks the
/// reference lacks: one share per key ID, only the client serving the slave SAE named at POST
/// time may take it, taking it removes it, and unclaimed shares expire.
///
/// Claims are all-or-nothing and atomic (one actor call), so two concurrent fetches can never
/// both receive the same share; a claim whose answer cannot be built is undone with `restore`.
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
    /// Key IDs in the order they expire. Every share lives for the same `expiry` from its POST,
    /// so posting order is expiry order and a purge only looks at the front: O(expired), not
    /// O(held). Entries of shares delivered or deleted meanwhile are skipped when reached.
    private var expiryQueue: [(id: UUID, expiresAt: ContinuousClock.Instant)] = []
    private var queueHead = 0
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

    /// Stores all the shares or none: refused when a key ID is already held (a share is posted
    /// once) or when the store is full.
    func add(_ batch: [PendingShare]) throws(ServiceError) {
        purgeExpired()
        // `index(forKey:)`: a lookup that does not copy the held share out.
        for share in batch where shares.index(forKey: share.keyID) != nil {
            counters.refused += 1
            throw .conflict("A share for this key ID is already held.", details: ["key_id": .string(share.keyID.lowercased)])
        }
        guard shares.count + batch.count <= capacity else {
            counters.refused += 1
            throw .unavailable("Too many pending shares.", details: ["capacity": .number(JSONNumber(capacity))])
        }
        // Stamped here, inside the actor, so the queue is in expiry order.
        let expiresAt = now() + expiry
        for var share in batch {
            share.expiresAt = expiresAt
            shares[share.keyID] = share
            expiryQueue.append((share.keyID, expiresAt))
        }
        counters.posted += batch.count
        dropDeadEntriesIfMostlyDead()
    }

    /// Entries still queued: for tests.
    var queuedEntries: Int { expiryQueue.count - queueHead }

    /// Most shares are claimed long before they expire, so without this the queue would hold an
    /// entry for every share posted in the last `expiry` (at 100,000 keys in 5 minutes, 3 MB per
    /// hub that no purge reaches). Rebuilt, O(queue), once dead entries outnumber live ones
    /// twice over: amortised O(1) per share.
    private func dropDeadEntriesIfMostlyDead() {
        guard expiryQueue.count - queueHead > 2 * shares.count + 1024 else { return }
        expiryQueue = expiryQueue[queueHead...].filter { entry in shares[entry.id]?.expiresAt == entry.expiresAt }
        queueHead = 0
    }

    /// Takes the shares of `keyIDs` for `client`. Key IDs the hub does not hold are skipped (the
    /// caller decides whether that is a 404). Any held share that `client` may not have, or whose
    /// master/slave SAEs differ from the request, refuses the whole claim with 401.
    func claim(keyIDs: [UUID], client: String, masterSAE: String, slaveSAE: String) throws(ServiceError) -> [PendingShare] {
        purgeExpired()
        var found: [PendingShare] = []
        found.reserveCapacity(keyIDs.count)
        // Each share is taken out as it is checked (one hash per key, and the share is moved, not
        // copied); a refusal puts back every share taken, so the claim stays all-or-nothing.
        // The key IDs are distinct (every message that names several checks that).
        for id in keyIDs {
            guard let share = shares.removeValue(forKey: id) else { continue }
            if let refusal = Self.refusal(of: share, client: client, masterSAE: masterSAE, slaveSAE: slaveSAE) {
                shares[id] = share
                for taken in found { shares[taken.keyID] = taken }
                counters.refused += 1
                throw refusal
            }
            found.append(share)
        }
        counters.delivered += found.count
        return found
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
    func restore(_ batch: [PendingShare]) {
        let current = now()
        for share in batch {
            counters.delivered -= 1
            if share.expiresAt > current, shares[share.keyID] == nil {
                shares[share.keyID] = share
            } else {
                share.wipe()
            }
        }
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
        shares.removeValue(forKey: keyID)?.wipe()
        counters.deleted += 1
    }

    /// Forgets shares just added whose acknowledgement could not be produced (the poster will
    /// treat the POST as failed, so the hub must not keep them).
    func discard(_ keyIDs: [UUID]) {
        for id in keyIDs {
            if let share = shares.removeValue(forKey: id) {
                share.wipe()
                counters.posted -= 1
            }
        }
    }

    /// Drops expired shares; called on every access and by the hub's periodic sweep.
    @discardableResult
    func purgeExpired() -> Int {
        let current = now()
        var dropped = 0
        while queueHead < expiryQueue.count, expiryQueue[queueHead].expiresAt <= current {
            let entry = expiryQueue[queueHead]
            queueHead += 1
            // Only the share this entry was queued for: a key ID posted again after delivery has
            // its own, later entry.
            if let share = shares[entry.id], share.expiresAt == entry.expiresAt {
                shares[entry.id] = nil
                share.wipe()
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
