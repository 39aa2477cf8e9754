import DSKECore
import Foundation
import Logging

/// Key establishment through the hubs: scatter (the master KME splits keys and posts one share
/// to each hub) and gather (the slave KME fetches the shares and rebuilds the keys).
struct KeyRelay: Sendable {
    let settings: ClientSettings
    /// In share-index order.
    let hubs: [PeerHub]
    let counters: ClientCounters
    let logger: Logger
    /// Keys rebuilt by a gather that failed for other keys, until their slave SAE asks again.
    let recovered: RecoveredKeys

    init(settings: ClientSettings, hubs: [PeerHub], counters: ClientCounters, logger: Logger) {
        self.settings = settings
        self.hubs = hubs
        self.counters = counters
        self.logger = logger
        recovered = RecoveredKeys(expiry: settings.shareExpiry)
    }

    var threshold: Int { settings.minNrShares }

    // MARK: Scatter

    /// Splits each key into one share per hub and posts them to all hubs at once. Succeeds when
    /// every key has a share at k hubs or more; otherwise withdraws what was posted and fails.
    func scatter(master: String, slave: String, keys: [UserKey]) async throws(KeyRelayError) {
        let columns: [[UInt8]]
        do {
            columns = try Shamir.splitColumns(secrets: keys.map { $0.value }, shareCount: hubs.count, threshold: threshold)
        } catch {
            throw .internalError("splitting a key: \(error)")
        }
        // One column per hub, down to its message; zeroed once every hub has answered.
        defer { for column in columns { SecretBytes.wipe(column) } }
        let length = max(keys.first?.value.count ?? 0, 1)
        let keyIDs = keys.map { $0.id }
        let results = await withTaskGroup(of: (Int, [HubFailure?]).self) { group in
            for (position, hub) in hubs.enumerated() {
                let shares = ShareColumn(bytes: columns[position], shareSize: length)
                group.addTask { (position, await hub.post(master: master, slave: slave, keyIDs: keyIDs, shares: shares)) }
            }
            var results = [[HubFailure?]](repeating: [], count: hubs.count)
            for await (position, outcome) in group { results[position] = outcome }
            return results
        }
        // Hubs that took each key's share, counted without an array per key.
        let accepted = keyIDs.indices.map { key in results.reduce(0) { $0 + ($1[key] == nil ? 1 : 0) } }
        let causes = failureSummary(results.map { $0.first { $0 != nil } ?? nil })
        if let fewest = accepted.min(), fewest >= threshold {
            if fewest < hubs.count {
                logger.info("\(keys.count) key(s) for \(master)->\(slave) scattered through \(fewest) of \(hubs.count) hubs; \(causes.joined(separator: "; "))")
            }
            return
        }
        await withdraw(keyIDs: keyIDs, results: results)
        let fewest = accepted.min() ?? 0
        logger.warning("scatter of \(keys.count) key(s) for \(master)->\(slave) failed: \(fewest) of \(hubs.count) hubs accepted, \(threshold) needed; \(causes.joined(separator: "; "))")
        throw .notEnoughHubs(needed: threshold, succeeded: fewest, causes: causes)
    }

    /// Asks every hub that holds, or may hold, shares of a failed scatter to delete them, so no
    /// share of a key that was never delivered stays behind.
    private func withdraw(keyIDs: [UUID], results: [[HubFailure?]]) async {
        await withTaskGroup(of: Void.self) { group in
            for (position, hub) in hubs.enumerated() {
                let held = keyIDs.indices.filter { key in
                    switch results[position][key] {
                    // Accepted, or the answer was lost or could not be checked.
                    case nil, .unreachable?, .badResponse?, .unknownHubBlock?: true
                    default: false
                    }
                }.map { keyIDs[$0] }
                guard !held.isEmpty else { continue }
                group.addTask { await hub.withdraw(keyIDs: held) }
            }
        }
    }

    // MARK: Gather

    /// Fetches every hub's share of each key at once and rebuilds the keys. A hub whose share
    /// does not fit is named in the log and the status; a key is delivered only when its digest
    /// verifies, so a tampered share never yields a wrong key.
    ///
    /// Keys held in `recovered` for this master/slave pair come from there. When any key fails
    /// the request fails as a whole (ETSI 014), but the keys that were rebuilt are kept in
    /// `recovered`: their shares are spent at the hubs, so a retry can only be served from here.
    func gather(master: String, slave: String, keyIDs: [UUID]) async throws(KeyRelayError) -> [UserKey] {
        let held = await recovered.take(master: master, slave: slave, keyIDs: keyIDs)
        let atHubs = held.isEmpty ? keyIDs : keyIDs.filter { held[$0] == nil }
        // Position i: the key of atHubs[i], nil when it failed.
        var rebuilt: [UserKey?] = []
        var errors: [KeyRelayError] = []
        if !atHubs.isEmpty {
            (rebuilt, errors) = await fetchAndRebuild(master: master, slave: slave, keyIDs: atHubs)
        }
        if let error = Self.mostTelling(errors) {
            await recovered.restore(master: master, slave: slave, held.map { ($0.key, $0.value) })
            let kept = rebuilt.compactMap { $0 }
            if !kept.isEmpty {
                await recovered.keep(master: master, slave: slave, keys: kept)
                logger.info("\(kept.count) rebuilt key(s) for \(master)->\(slave) kept for a retry")
            }
            logger.warning("gather of \(keyIDs.count) key(s) for \(master)->\(slave) failed: \(error)")
            throw error
        }
        // Without errors every key of atHubs was rebuilt, in order.
        var next = rebuilt.startIndex
        return keyIDs.map { id in
            if held.isEmpty || held[id] == nil, next < rebuilt.endIndex, let key = rebuilt[next] {
                next += 1
                return key
            }
            let secret = held[id]!.secret
            // A copy of its own: wiping the held bytes must not reach the key being delivered.
            let value = secret.withBytes { bytes in bytes.withUnsafeBufferPointer { Array($0) } }
            secret.wipe()
            return UserKey(id: id, value: value)
        }
    }

    /// One round to every hub for `keyIDs`: the keys rebuilt and the errors of those that were not.
    private func fetchAndRebuild(master: String, slave: String, keyIDs: [UUID]) async -> ([UserKey?], [KeyRelayError]) {
        let expectedSize = settings.defaultKeySize / 8
        let results = await withTaskGroup(of: (Int, FetchedShares).self) { group in
            for (position, hub) in hubs.enumerated() {
                group.addTask {
                    (position, await hub.fetch(master: master, slave: slave, keyIDs: keyIDs, expectedSize: expectedSize))
                }
            }
            var results = [FetchedShares](repeating: FetchedShares([:]), count: hubs.count)
            for await (position, outcome) in group { results[position] = outcome }
            return results
        }
        defer { for result in results { result.wipe() } }
        return await rebuild(keyIDs: keyIDs, from: results)
    }

    /// The keys of `keyIDs` rebuilt from the hubs' answers (position i = hub i): the batch at once
    /// where it fits (`columnRebuild`), the other keys one by one. Key i at position i, nil when
    /// it failed; the errors of those.
    func rebuild(keyIDs: [UUID], from results: [FetchedShares]) async -> ([UserKey?], [KeyRelayError]) {
        var keys = [UserKey?](repeating: nil, count: keyIDs.count)
        var errors: [KeyRelayError] = []
        let rebuilt = columnRebuild(keyIDs: keyIDs, results: results, into: &keys)
        for (position, keyID) in keyIDs.enumerated() where !(rebuilt?[position] ?? false) {
            let outcomes = hubs.indices.map { results[$0].outcome(for: keyID, at: position) }
            if let key = plainRebuild(keyID: keyID, outcomes: outcomes) {
                keys[position] = key
                continue
            }
            do {
                keys[position] = try await rebuild(keyID: keyID, outcomes: outcomes)
            } catch {
                errors.append(error)
            }
        }
        return (keys, errors)
    }

    /// The usual case for a whole batch at once: every hub that gave shares gave all of them as
    /// one column (a packed answer) under its own index, all of one share size. Rebuilds the keys
    /// with one set of coefficients (`Shamir.reconstructColumns`) into `keys` and returns which
    /// were; where it does, `plainRebuild` gives the same key. Nil when the batch does not fit;
    /// the keys not rebuilt go through `plainRebuild` and `rebuild` one by one.
    private func columnRebuild(keyIDs: [UUID], results: [FetchedShares], into keys: inout [UserKey?]) -> [Bool]? {
        var indices: [UInt8] = []
        var columns: [[UInt8]] = []
        var size = 0
        for (position, result) in results.enumerated() {
            guard let column = result.column else {
                if result.hasPerKeyShares { return nil }
                continue
            }
            guard column.index == position, column.shares.count == keyIDs.count,
                  size == 0 || column.shares.shareSize == size else { return nil }
            size = column.shares.shareSize
            indices.append(UInt8(position))
            columns.append(column.shares.bytes)
        }
        guard columns.count >= threshold,
              let rebuilt = try? Shamir.reconstructColumns(indices: indices, columns: columns, length: size, threshold: threshold)
        else { return nil }
        defer { SecretBytes.wipe(rebuilt.secrets) }
        rebuilt.secrets.withUnsafeBufferPointer { secrets in
            for (i, keyID) in keyIDs.enumerated() where rebuilt.accepted[i] {
                // A copy of its own: the column of secrets is wiped.
                keys[i] = UserKey(id: keyID, value: Array(UnsafeBufferPointer(rebasing: secrets[(i * size)..<((i + 1) * size)])))
            }
        }
        return rebuilt.accepted
    }

    /// The usual case without `rebuild`'s bookkeeping (three dictionaries and an async call per
    /// key): every share that arrived carries its hub's own index and the same length, and all of
    /// them lie on one polynomial. Nil for anything else, which `rebuild` then sorts out; where
    /// this answers, `rebuild` answers the same key and blames no hub.
    private func plainRebuild(keyID: UUID, outcomes: [Result<ShamirShare, HubFailure>]) -> UserKey? {
        var shares: [ShamirShare] = []
        shares.reserveCapacity(outcomes.count)
        for (position, outcome) in outcomes.enumerated() {
            guard case .success(let share) = outcome else { continue }
            guard Int(share.index) == position, shares.first.map({ $0.value.count == share.value.count }) ?? true else { return nil }
            shares.append(share)
        }
        guard shares.count >= threshold,
              let recovery = try? Shamir.robustReconstruct(shares, threshold: threshold),
              recovery.inconsistentIndices.isEmpty else { return nil }
        return UserKey(id: keyID, value: recovery.secret)
    }

    /// Rebuilds one key from the hubs' outcomes (position i = hub i).
    private func rebuild(keyID: UUID, outcomes: [Result<ShamirShare, HubFailure>]) async throws(KeyRelayError) -> UserKey {
        var candidates: [(hub: Int, share: ShamirShare)] = []
        var failures: [(hub: Int, failure: HubFailure)] = []
        for (position, outcome) in outcomes.enumerated() {
            switch outcome {
            case .success(let share): candidates.append((position, share))
            case .failure(let failure): failures.append((position, failure))
            }
        }
        // Two hubs claiming one x coordinate: the one whose position it is keeps it.
        let claimed = Dictionary(grouping: candidates, by: { $0.share.index })
        var shares: [(hub: Int, share: ShamirShare)] = []
        for (index, claimants) in claimed {
            if claimants.count == 1 {
                shares.append(claimants[0])
                continue
            }
            for claimant in claimants where Int(index) != claimant.hub {
                await blame(claimant.hub, keyID: keyID, why: "claims share index \(index), which another hub relayed")
            }
            if let rightful = claimants.first(where: { Int(index) == $0.hub }) { shares.append(rightful) }
        }
        guard shares.count >= threshold else {
            throw classify(keyID: keyID, shareCount: shares.count, failures: failures)
        }
        // Shares of the wrong length cannot be on the key's polynomial; try the largest group of
        // one length first (a tampering hub cannot make the honest shares fail).
        let byLength = Dictionary(grouping: shares, by: { $0.share.value.count }).values.sorted { $0.count > $1.count }
        var lastReason = "fewer than \(threshold) shares of one length"
        for group in byLength where group.count >= threshold {
            let recovery: ShamirRecovery
            do {
                recovery = try Shamir.robustReconstruct(group.map(\.share), threshold: threshold)
            } catch {
                lastReason = "\(error)"
                continue
            }
            let hubOf = Dictionary(uniqueKeysWithValues: group.map { ($0.share.index, $0.hub) })
            for index in recovery.inconsistentIndices {
                if let hub = hubOf[index] { await blame(hub, keyID: keyID, why: "its share does not fit the key's polynomial") }
            }
            for other in shares where other.share.value.count != recovery.secret.count {
                await blame(other.hub, keyID: keyID, why: "its share has \(other.share.value.count) bytes, the key \(recovery.secret.count)")
            }
            return UserKey(id: keyID, value: recovery.secret)
        }
        logger.warning("key \(keyID.lowercased) cannot be rebuilt from \(shares.count) shares: \(lastReason)")
        throw .inconsistentShares(keyID, lastReason)
    }

    /// Why a key got fewer than k shares: refused (401), gone (400), or hubs missing (503).
    private func classify(keyID: UUID, shareCount: Int, failures: [(hub: Int, failure: HubFailure)]) -> KeyRelayError {
        for case (_, .notAllowed(let why)) in failures { return .notAllowed(why) }
        let transient = failures.filter { $0.failure.isTransient }.count
        if shareCount + transient < threshold { return .keysNotFound([keyID]) }
        let causes = failures.map { "\(hubs[$0.hub].name): \($0.failure)" }
        return .notEnoughHubs(needed: threshold, succeeded: shareCount, causes: causes)
    }

    private func blame(_ position: Int, keyID: UUID, why: String) async {
        let hub = hubs[position]
        await hub.noteInconsistentShare()
        await counters.add(.inconsistentShares)
        logger.warning("hub \(hub.name) returned a bad share of key \(keyID.lowercased): \(why) (tampered or corrupted)")
    }

    /// One error for a request whose keys failed in different ways: a refusal first (the caller
    /// may not have these keys), then unknown keys, then the rest.
    static func mostTelling(_ errors: [KeyRelayError]) -> KeyRelayError? {
        if let refusal = errors.first(where: { if case .notAllowed = $0 { true } else { false } }) { return refusal }
        let missing = errors.flatMap { error -> [UUID] in
            if case .keysNotFound(let ids) = error { ids } else { [] }
        }
        if !missing.isEmpty { return .keysNotFound(missing) }
        return errors.first
    }

    private func failureSummary(_ firstFailures: [HubFailure?]) -> [String] {
        zip(hubs, firstFailures).compactMap { hub, failure in failure.map { "\(hub.name): \($0)" } }
    }
}
