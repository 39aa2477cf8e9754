import DSKECore
import Foundation

/// Keys a failed gather did rebuild, kept for the slave SAE that asked. The hubs delete a share
/// once delivered, and ETSI 014 answers a dec_keys request with one error, so without this the
/// rebuilt keys of a request that failed for another key would be lost for good while the master
/// SAE already holds them. Only the same master/slave pair may take a key, once; keys expire
/// after the share expiry (as their shares would have at the hubs) and the oldest are evicted
/// beyond `capacity`. Every key leaving here other than by delivery is wiped.
actor RecoveredKeys {
    struct Owner: Hashable, Sendable {
        let master: String
        let slave: String
        let keyID: UUID
    }

    /// A key taken out; `restore` puts it back with its original expiry.
    struct Held: Sendable {
        let secret: SecretBytes
        let expiresAt: ContinuousClock.Instant
    }

    let expiry: Duration
    let capacity: Int
    private let now: @Sendable () -> ContinuousClock.Instant
    private var held: [Owner: Held] = [:]

    init(expiry: Duration, capacity: Int = 4096,
         now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }) {
        self.expiry = expiry
        self.capacity = max(capacity, 0)
        self.now = now
    }

    var count: Int {
        purgeExpired()
        return held.count
    }

    /// Removes and returns the keys among `keyIDs` held for this master/slave pair.
    func take(master: String, slave: String, keyIDs: [UUID]) -> [UUID: Held] {
        // The common case: nothing ever failed, nothing to look up.
        guard !held.isEmpty else { return [:] }
        purgeExpired()
        var taken: [UUID: Held] = [:]
        for id in keyIDs {
            if let entry = held.removeValue(forKey: Owner(master: master, slave: slave, keyID: id)) { taken[id] = entry }
        }
        return taken
    }

    /// Keeps freshly rebuilt keys for the pair, wiping the oldest held keys if full.
    func keep(master: String, slave: String, keys: [UserKey]) {
        let expiresAt = now() + expiry
        restore(master: master, slave: slave, keys.map { ($0.id, Held(secret: SecretBytes($0.value), expiresAt: expiresAt)) })
    }

    /// Puts back keys `take` returned that could not be delivered after all.
    func restore(master: String, slave: String, _ entries: [(UUID, Held)]) {
        purgeExpired()
        for (id, entry) in entries {
            let owner = Owner(master: master, slave: slave, keyID: id)
            if let previous = held.updateValue(entry, forKey: owner), previous.secret !== entry.secret { previous.secret.wipe() }
            while held.count > capacity { evictOldest() }
        }
    }

    private func purgeExpired() {
        let instant = now()
        for (owner, entry) in held where entry.expiresAt <= instant {
            entry.secret.wipe()
            held[owner] = nil
        }
    }

    private func evictOldest() {
        guard let oldest = held.min(by: { $0.value.expiresAt < $1.value.expiresAt }) else { return }
        oldest.value.secret.wipe()
        held[oldest.key] = nil
    }
}
