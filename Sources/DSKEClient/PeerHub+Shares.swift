import DSKECore
import DSKEService
import Foundation
import NIOHTTP1
import PSRDStore

/// The share messages. With a hub that has this project's batch extension, the shares of all the
/// keys of one request travel in one signed message per hub (one MAC key per leg instead of one
/// per key); with a reference hub, one reference message per key, byte for byte as the reference
/// client sends it.
extension PeerHub {
    // MARK: Posting (master side)

    /// Posts share `index` of each key (key i's at position i of `shares`), padded from the
    /// client-owned pool. One result per key, nil when the hub accepted the share.
    func post(master: String, slave: String, keyIDs: [UUID], shares: ShareColumn) async -> [HubFailure?] {
        guard isUsable else { return Array(repeating: unusableFailure, count: keyIDs.count) }
        await resumeIfNeeded()
        let capabilities = await currentCapabilities()
        let ranges = Self.batches(sizes: Array(repeating: shares.shareSize, count: keyIDs.count))
        if capabilities.multi, ranges.count == 1 {
            return await coalescedPost(PostWork(master: master, slave: slave, keyIDs: keyIDs, shares: shares))
        }
        if capabilities.batch {
            var results: [HubFailure?] = []
            results.reserveCapacity(keyIDs.count)
            for range in ranges {
                let failure = await retrying { () async -> HubFailure? in
                    await postBatch(master: master, slave: slave, keyIDs: Array(keyIDs[range]), shares: shares.shares(range))
                }
                results += Array(repeating: failure, count: range.count)
            }
            return results
        }
        return await withTaskGroup(of: (Int, HubFailure?).self) { group in
            for position in keyIDs.indices {
                group.addTask {
                    (position, await self.retrying { () async -> HubFailure? in
                        await self.postOne(master: master, slave: slave, keyID: keyIDs[position], share: shares.share(position))
                    })
                }
            }
            var results = [HubFailure?](repeating: nil, count: keyIDs.count)
            for await (position, failure) in group { results[position] = failure }
            return results
        }
    }

    /// Groups consecutive shares into batch messages within the batch count and pad limits.
    static func batches(sizes: [Int]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0
        var bytes = 0
        for (position, size) in sizes.enumerated() {
            if position > start && (position - start == KeyShareBatch.maxCount || bytes + size > ETSILimits.maxBytesPerMessage) {
                ranges.append(start..<position)
                start = position
                bytes = 0
            }
            bytes += size
        }
        if start < sizes.count { ranges.append(start..<sizes.count) }
        return ranges
    }

    /// `POST key-shares` (extension): every pad cut from one allocation.
    func postBatch(master: String, slave: String, keyIDs: [UUID], shares: ShareColumn) async -> HubFailure? {
        let message: PostKeySharesRequest
        switch await seal([PostWork(master: master, slave: slave, keyIDs: keyIDs, shares: shares)]) {
        case .failure(let failure): return failure
        case .success(let messages): message = messages[0]
        }
        do {
            let response = try await sendShareMessage(.POST, path: "/dske/api/v1/key-shares", body: WireCoding.encode(message),
                                                      responseLimit: 4096)
            guard response.isOK else { return fail(classify(response)) }
        } catch {
            return error
        }
        counters.sharesPosted += keyIDs.count
        return nil
    }

    /// Whether batch shares travel packed to and from this hub (`PackedShares`).
    var packsShares: Bool { capabilities?.packed ?? false }

    /// The batch messages of `works`, their shares padded from one allocation of the client-owned
    /// pool (after checking both pools hold enough for the message and its MAC keys). To a hub
    /// that packs, each work's shares are sealed with one pass over its column and its own cut of
    /// the allocation, and travel packed; otherwise one object per share, each with its own pad.
    func seal(_ works: [PostWork]) async -> Result<[PostKeySharesRequest], HubFailure> {
        let total = works.reduce(0) { $0 + $1.padBytes }
        if let failure = await reserve(own: total + MessageAuthenticator.keySize, peer: MessageAuthenticator.keySize) {
            return .failure(failure)
        }
        let allocation: Allocation
        let padBytes: [UInt8]
        do {
            (allocation, padBytes) = try await store.allocate(peer: name, size: total)
        } catch {
            return .failure(fail(Self.ownPoolFailure(error)))
        }
        defer { SecretBytes.wipe(padBytes) }
        do {
            return .success(try packsShares ? sealPacked(works, allocation: allocation, padBytes: padBytes)
                                            : sealListed(works, allocation: allocation, padBytes: padBytes))
        } catch {
            return .failure(fail(Self.ownPoolFailure(error)))
        }
    }

    /// One packed message per work, its pad the work's run of `allocation`.
    private func sealPacked(_ works: [PostWork], allocation: Allocation, padBytes: [UInt8]) throws(PSRDError) -> [PostKeySharesRequest] {
        let pieces = works.count == 1 ? [allocation] : try allocation.slices(sizes: works.map { $0.padBytes })
        var messages: [PostKeySharesRequest] = []
        messages.reserveCapacity(works.count)
        var offset = 0
        for (work, piece) in zip(works, pieces) {
            let values = work.shares.xor(pad: padBytes, at: offset)
            offset += values.count
            if let packed = PackedShares(shareIndex: index, keyIDs: work.keyIDs, allocation: piece, values: values) {
                messages.append(PostKeySharesRequest(masterClientName: settings.name, masterSAEID: work.master,
                                                     slaveSAEID: work.slave, packed: packed))
                continue
            }
            // No packed form (a key ID twice): the list, each share with its cut of the piece.
            let pads = try piece.slices(sizes: Array(repeating: work.shares.shareSize, count: work.keyIDs.count))
            let size = work.shares.shareSize
            let batch = work.keyIDs.indices.map { i in
                BatchKeyShare(userKeyID: work.keyIDs[i], shareIndex: index, encryptionKeyAllocation: pads[i],
                              encryptedShareValue: Array(values[(i * size)..<((i + 1) * size)]))
            }
            messages.append(PostKeySharesRequest(masterClientName: settings.name, masterSAEID: work.master,
                                                 slaveSAEID: work.slave, shares: batch))
        }
        return messages
    }

    /// One list message per work, each share with its own cut of `allocation` (a hub that does
    /// not pack, the reference's batch form).
    private func sealListed(_ works: [PostWork], allocation: Allocation, padBytes: [UInt8]) throws(PSRDError) -> [PostKeySharesRequest] {
        var sizes: [Int] = []
        for work in works { sizes += repeatElement(work.shares.shareSize, count: work.keyIDs.count) }
        let pads = try allocation.slices(sizes: sizes)
        var messages: [PostKeySharesRequest] = []
        messages.reserveCapacity(works.count)
        var position = 0
        var offset = 0
        for work in works {
            var batch: [BatchKeyShare] = []
            batch.reserveCapacity(work.keyIDs.count)
            for (i, keyID) in work.keyIDs.enumerated() {
                let share = work.shares.share(i)
                let pad = Array(padBytes[offset..<offset + share.count])
                batch.append(BatchKeyShare(userKeyID: keyID, shareIndex: index, encryptionKeyAllocation: pads[position],
                                           encryptedShareValue: OneTimePad.applyAndWipe(pad: pad, to: share)))
                SecretBytes.wipe(share)
                offset += share.count
                position += 1
            }
            messages.append(PostKeySharesRequest(masterClientName: settings.name, masterSAEID: work.master,
                                                 slaveSAEID: work.slave, shares: batch))
        }
        return messages
    }

    /// The reference's `POST key-share`: one share, one message.
    private func postOne(master: String, slave: String, keyID: UUID, share: [UInt8]) async -> HubFailure? {
        if let failure = await reserve(own: share.count + MessageAuthenticator.keySize, peer: MessageAuthenticator.keySize) {
            return failure
        }
        let allocation: Allocation
        let pad: [UInt8]
        do {
            (allocation, pad) = try await store.allocate(peer: name, size: share.count)
        } catch {
            return fail(Self.ownPoolFailure(error))
        }
        let body = WireCoding.encode(PostKeyShareRequest(masterClientName: settings.name, masterSAEID: master, slaveSAEID: slave,
                                                         userKeyID: keyID, shareIndex: index, encryptionKeyAllocation: allocation,
                                                         encryptedShareValue: OneTimePad.applyAndWipe(pad: pad, to: share)))
        do {
            let response = try await sendShareMessage(.POST, path: "/dske/api/v1/key-share", body: body, responseLimit: 4096)
            guard response.isOK else { return fail(classify(response)) }
        } catch {
            return error
        }
        counters.sharesPosted += 1
        return nil
    }

    // MARK: Fetching (slave side)

    /// Fetches this hub's share of each key, re-padded by the hub from the hub-owned pool.
    /// `expectedSize` (bytes per key) sizes the PSRD the hub will need; the slave does not know
    /// the real size before the answer.
    func fetch(master: String, slave: String, keyIDs: [UUID], expectedSize: Int) async -> FetchedShares {
        guard isUsable else { return FetchedShares(Self.all(keyIDs, unusableFailure)) }
        await resumeIfNeeded()
        let capabilities = await currentCapabilities()
        if capabilities.multi, keyIDs.count <= KeyShareBatch.maxCount {
            return await coalescedFetch(FetchWork(master: master, slave: slave, keyIDs: keyIDs, expectedSize: expectedSize))
        }
        if capabilities.batch {
            guard keyIDs.count > KeyShareBatch.maxCount else {
                return await fetchChunk(master: master, slave: slave, keyIDs: keyIDs, expectedSize: expectedSize)
            }
            var results: [UUID: Result<ShamirShare, HubFailure>] = [:]
            var start = 0
            while start < keyIDs.count {
                let chunk = Array(keyIDs[start..<min(start + KeyShareBatch.maxCount, keyIDs.count)])
                start += chunk.count
                let outcome = await fetchChunk(master: master, slave: slave, keyIDs: chunk, expectedSize: expectedSize)
                results.merge(outcome.perKeyOutcomes(chunk)) { first, _ in first }
                outcome.wipe()
            }
            return FetchedShares(results)
        }
        return await withTaskGroup(of: (UUID, Result<ShamirShare, HubFailure>).self) { group in
            for keyID in keyIDs {
                group.addTask {
                    (keyID, await self.repairing({ await self.fetchOne(master: master, slave: slave, keyID: keyID, expectedSize: expectedSize) },
                                                 failure: { Self.repairable(in: [$0]) }))
                }
            }
            var results: [UUID: Result<ShamirShare, HubFailure>] = [:]
            for await (keyID, outcome) in group { results[keyID] = outcome }
            return FetchedShares(results)
        }
    }

    /// One batch fetch, repaired and sent again a few times when a pool was short or out of step.
    func fetchChunk(master: String, slave: String, keyIDs: [UUID], expectedSize: Int) async -> FetchedShares {
        await repairing(keys: keyIDs.count, { await fetchBatch(master: master, slave: slave, keyIDs: keyIDs, expectedSize: expectedSize) },
                        failure: { Self.repairable(in: $0.perKey.values) })
    }

    /// `POST key-shares/fetch` (extension): keys the hub does not hold are left out of its answer.
    private func fetchBatch(master: String, slave: String, keyIDs: [UUID], expectedSize: Int) async -> FetchedShares {
        if let failure = await reserve(own: MessageAuthenticator.keySize,
                                       peer: keyIDs.count * expectedSize + MessageAuthenticator.keySize) {
            return FetchedShares(Self.all(keyIDs, failure))
        }
        let body = WireCoding.encode(FetchKeySharesRequest(clientName: settings.name, masterSAEID: master, slaveSAEID: slave,
                                                           keyIDs: keyIDs, packed: packsShares))
        let limit = keyIDs.count * Self.shareAnswerLimit
        let response: PeerResponse
        do {
            response = try await sendShareMessage(.POST, path: "/dske/api/v1/key-shares/fetch", body: body, responseLimit: limit)
        } catch {
            return FetchedShares(Self.all(keyIDs, error))
        }
        guard response.isOK else { return FetchedShares(Self.all(keyIDs, fail(classify(response)))) }
        let answer: FetchKeySharesResponse
        do {
            answer = try response.decode(FetchKeySharesResponse.self, limit: limit)
        } catch {
            return FetchedShares(Self.all(keyIDs, fail(.badResponse("fetch answer: \(error)"))))
        }
        return await open(answers: [ShareAnswer(requested: keyIDs, packed: answer.packed, list: answer.listShares)])[0]
    }

    /// Every key of `keyIDs` failed with `failure`.
    static func all(_ keyIDs: [UUID], _ failure: HubFailure) -> [UUID: Result<ShamirShare, HubFailure>] {
        Dictionary(keyIDs.map { ($0, .failure(failure)) }, uniquingKeysWith: { first, _ in first })
    }

    /// Opens the shares of batch answers with one store call for all their pads: an answer that
    /// is a whole column (`ShareAnswer.isWholeColumn`) with one pad and one pass, the others share
    /// by share. Keys an answer leaves out are `.notFound`; an answer holding a key it was not
    /// asked for fails whole (its pads are taken anyway, so the pool stays in step with the hub's).
    func open(answers: [ShareAnswer]) async -> [FetchedShares] {
        let whole = answers.map { $0.isWholeColumn }
        var allocations: [Allocation] = []
        for (answer, whole) in zip(answers, whole) {
            if whole, let packed = answer.packed {
                allocations.append(packed.allocation)
            } else {
                for share in answer.shares { allocations.append(share.encryptionKeyAllocation) }
            }
        }
        let pads = await store.take(peer: name, allocations: allocations)
        var next = pads.startIndex
        var opened: [FetchedShares] = []
        opened.reserveCapacity(answers.count)
        for (answer, whole) in zip(answers, whole) {
            if whole, let packed = answer.packed {
                defer { next += 1 }
                if case .success(let pad) = pads[next] {
                    opened.append(openColumn(packed, pad: pad))
                } else {
                    // Nothing of the pad was used: its shares' pads one by one tell which fails.
                    let shares = packed.shares
                    let own = await store.take(peer: name, allocations: shares.map { $0.encryptionKeyAllocation })
                    opened.append(open(answer, shares: shares, pads: own[...]))
                }
                continue
            }
            let shares = answer.shares
            opened.append(open(answer, shares: shares, pads: pads[next..<(next + shares.count)]))
            next += shares.count
        }
        return opened
    }

    /// A whole packed answer's shares with its pad removed, which is then zeroed.
    private func openColumn(_ packed: PackedShares, pad: [UInt8]) -> FetchedShares {
        defer { SecretBytes.wipe(pad) }
        let encrypted = ShareColumn(bytes: packed.values, shareSize: packed.shareSize)
        counters.sharesFetched += packed.keyIDs.count
        return FetchedShares(index: packed.shareIndex, column: ShareColumn(bytes: encrypted.xor(pad: pad, at: 0),
                                                                            shareSize: packed.shareSize))
    }

    /// An answer's shares opened one by one with their pads, already taken.
    private func open(_ answer: ShareAnswer, shares: [BatchKeyShare],
                      pads: ArraySlice<Result<[UInt8], PSRDError>>) -> FetchedShares {
        let requested = Set(answer.requested)
        guard shares.allSatisfy({ requested.contains($0.userKeyID) }) else {
            return FetchedShares(Self.all(answer.requested, fail(.badResponse("the answer holds a share of a key that was not asked for"))))
        }
        var results = Self.all(answer.requested, .notFound)
        for (share, pad) in zip(shares, pads) {
            results[share.userKeyID] = open(index: share.shareIndex, pad: pad, encrypted: share.encryptedShareValue)
        }
        return FetchedShares(results)
    }

    /// The reference's `GET key-share`, with its query parameters in its order.
    private func fetchOne(master: String, slave: String, keyID: UUID, expectedSize: Int) async -> Result<ShamirShare, HubFailure> {
        if let failure = await reserve(own: MessageAuthenticator.keySize, peer: expectedSize + MessageAuthenticator.keySize) {
            return .failure(failure)
        }
        let query = [("client_name", settings.name), ("master_sae_id", master), ("slave_sae_id", slave),
                     ("key_id", keyID.lowercased)]
        let response: PeerResponse
        do {
            response = try await sendShareMessage(.GET, path: "/dske/api/v1/key-share", query: query,
                                                  responseLimit: Self.shareAnswerLimit)
        } catch {
            return .failure(error)
        }
        guard response.isOK else { return .failure(fail(classify(response))) }
        let answer: GetKeyShareResponse
        do {
            answer = try response.decode(GetKeyShareResponse.self, limit: Self.shareAnswerLimit)
        } catch {
            return .failure(fail(.badResponse("share answer: \(error)")))
        }
        return await open(index: answer.shareIndex, pad: answer.encryptionKeyAllocation, encrypted: answer.encryptedShareValue)
    }

    /// Takes the pad the hub named from the hub-owned pool and removes it.
    private func open(index: Int, pad: Allocation, encrypted: [UInt8]) async -> Result<ShamirShare, HubFailure> {
        let taken: Result<[UInt8], PSRDError>
        do {
            taken = .success(try await store.take(peer: name, allocation: pad))
        } catch {
            taken = .failure(error)
        }
        return open(index: index, pad: taken, encrypted: encrypted)
    }

    /// Removes the pad, already taken from the hub-owned pool, from the share.
    private func open(index: Int, pad: Result<[UInt8], PSRDError>, encrypted: [UInt8]) -> Result<ShamirShare, HubFailure> {
        let bytes: [UInt8]
        switch pad {
        case .success(let taken):
            bytes = taken
        case .failure(let error):
            switch error {
            case .storage(let why): return .failure(fail(.local("PSRD store: \(why)")))
            case .unknownBlock(let block): return .failure(fail(.unknownHubBlock(block)))
            default: return .failure(fail(.badResponse("share pad: \(error)")))
            }
        }
        counters.sharesFetched += 1
        return .success(ShamirShare(index: UInt8(index), value: OneTimePad.applyAndWipe(pad: bytes, to: encrypted)))
    }

    /// The largest one-share answer: the share of the largest key, as base64, plus the rest.
    static let shareAnswerLimit = WireCoding.limit(forBase64Payload: ETSILimits.keySizeRange.upperBound / 8)

    // MARK: Cleaning up (master side)

    /// Withdraws the shares of a failed scatter (`DELETE key-share`, extension). Best effort: a
    /// hub without the extension, or one that is down, keeps them until they expire.
    func withdraw(keyIDs: [UUID]) async {
        guard isUsable, await currentCapabilities().delete else { return }
        await withTaskGroup(of: Void.self) { group in
            for keyID in keyIDs {
                group.addTask {
                    let query = [("client_name", self.settings.name), ("key_id", keyID.lowercased)]
                    _ = try? await self.send(.DELETE, path: "/dske/api/v1/key-share", query: query, signed: true,
                                             responseLimit: 4096, countsAsShareMessage: false)
                }
            }
        }
    }

    // MARK: Plumbing

    var unusableFailure: HubFailure {
        .unavailable(registered ? "the hub is down" : "not registered with the hub yet")
    }

    /// Checks both pools before a message, fetching PSRD if needed.
    func reserve(own: Int, peer: Int) async -> HubFailure? {
        // The common case in one store call: both pools hold enough and need no refill yet.
        let levels = await store.unusedBytes(peer: name)
        let floor = settings.startRequestPSRDThreshold
        if levels.own - own >= floor && levels.peer - peer >= floor { return nil }
        guard await ensure(.client, bytes: own) else { return fail(.psrdExhausted(.client)) }
        guard await ensure(.hub, bytes: peer) else { return fail(.psrdExhausted(.hub)) }
        return nil
    }

    /// Runs a message again after repairing what made it fail, a few times at most: a pool that
    /// ran dry is refilled (this client's view of the hub-owned pool can be ahead of the hub's,
    /// and a burst can overtake a refill), and after a hub's crash the client-owned pool skips to
    /// where the hub resumed.
    func retrying(_ body: () async -> HubFailure?) async -> HubFailure? {
        var failure = await body()
        for _ in 0..<4 {
            guard let current = failure else { return nil }
            let repaired = await repair(current)
            // An answer signed from a hub-owned block this client does not hold yet (the hub
            // used a block whose refill answer is still on its way): the hub stored the shares
            // before it signed, so posting them again would be refused with 409 (a key's share
            // is posted once). The repair serves later messages; this one counts as failed.
            if case .unknownHubBlock = current { return current }
            guard repaired else { return current }
            failure = await body()
        }
        return failure
    }

    /// Repairs the cause of a failure of a message about `keys` keys when it can be repaired here;
    /// true when a retry may work.
    func repair(_ failure: HubFailure, keys: Int = 1) async -> Bool {
        switch failure {
        case let .psrdExhausted(owner, needed, available):
            // The hub pads each share separately: a retry needs `needed` for every key, and the
            // hub's view of its pool (`available`) can be behind this client's.
            await forceRefill(owner, extra: max(settings.getPSRDBlockSize, keys * needed + MessageAuthenticator.keySize - available))
            return true
        case .unknownHubBlock(let block):
            return await leave(block: block)
        case let .behindReplayFloor(block, resumeAt):
            do {
                try await store.skip(peer: name, block: block, to: resumeAt)
            } catch {
                logger.error("skipping PSRD block \(block.lowercased) to \(resumeAt) for hub \(name) failed: \(error)")
                return false
            }
            logger.warning("hub \(name) restarted: skipped the client-owned PSRD of block \(block.lowercased) to offset \(resumeAt)")
            return true
        default:
            return false
        }
    }

    /// Runs `attempt`, and again after repairing what made it fail, 4 times at most in all.
    /// `failure` names the repairable failure of an outcome about `keys` keys, if it has one.
    func repairing<Outcome>(keys: Int = 1, _ attempt: () async -> Outcome, failure: (Outcome) -> HubFailure?) async -> Outcome {
        var outcome = await attempt()
        for _ in 0..<3 {
            guard let current = failure(outcome), await repair(current, keys: keys) else { break }
            outcome = await attempt()
        }
        return outcome
    }

    static func repairable(in outcomes: some Sequence<Result<ShamirShare, HubFailure>>) -> HubFailure? {
        for case .failure(let failure) in outcomes where isRepairable(failure) { return failure }
        return nil
    }

    /// A failure `repair` may fix: a pool short or out of step with the hub's.
    static func isRepairable(_ failure: HubFailure) -> Bool {
        switch failure {
        case .psrdExhausted, .behindReplayFloor, .unknownHubBlock: true
        default: false
        }
    }

    /// `extra` more bytes (at least one block) for `owner`'s pool, whatever this client's view of
    /// its level.
    func forceRefill(_ owner: PoolOwner, extra: Int) async {
        guard settings.outOfBandHTTP, registered else { return }
        let unused = await store.unusedBytes(peer: name, owner: owner)
        _ = await refill(owner, target: unused + max(extra, settings.getPSRDBlockSize))
    }

    func sendShareMessage(_ method: HTTPMethod, path: String, query: [(String, String)] = [], body: [UInt8]? = nil,
                                  responseLimit: Int) async throws(HubFailure) -> PeerResponse {
        try await send(method, path: path, query: query, body: body, signed: true, responseLimit: responseLimit,
                       countsAsShareMessage: true)
    }

    /// Sends through the signed connection and turns transport problems into `HubFailure`s
    /// (marking the hub down when it did not answer).
    func send(_ method: HTTPMethod, path: String, query: [(String, String)] = [], body: [UInt8]? = nil, signed: Bool,
              responseLimit: Int, countsAsShareMessage: Bool) async throws(HubFailure) -> PeerResponse {
        if countsAsShareMessage { counters.shareMessages += 1 }
        do {
            return try await connection.send(method, path: path, query: query, body: body, signed: signed,
                                             responseLimit: responseLimit)
        } catch {
            throw fail(Self.failure(for: error))
        }
    }

    /// Counts a failure (and marks the hub down when it did not answer); returns it.
    func fail(_ failure: HubFailure) -> HubFailure {
        note(failure)
        return failure
    }

    static func failure(for error: PeerConnectionError) -> HubFailure {
        switch error {
        case .transport(let why): .unreachable(why)
        case .timeout: .unreachable("no answer before the deadline")
        case .invalidURL(let url): .local("invalid URL \(url)")
        case .responseTooLarge(let limit): .badResponse("answer larger than \(limit) bytes")
        case .missingResponseSignature: .badResponse("the answer is not signed")
        case .invalidResponseSignature(let why):
            if let block = unknownBlock(in: why) { .unknownHubBlock(block) } else { .badResponse("the answer's signature is invalid: \(why)") }
        case .signing(let error):
            if case .psrdExhausted = error { .psrdExhausted(.client) } else { .local("signing: \(error)") }
        }
    }

    /// The block of a refused MAC key this client does not hold (`PSRDError.unknownBlock` as the
    /// signature check renders it: "... unknown PSRD block UUID").
    static func unknownBlock(in text: String) -> UUID? {
        guard let range = text.range(of: "unknown PSRD block ") else { return nil }
        return UUID(uuidString: String(text[range.upperBound...].prefix(36)))
    }

    static func ownPoolFailure(_ error: PSRDError) -> HubFailure {
        if case .exhausted = error { return .psrdExhausted(.client) }
        return .local("PSRD allocation: \(error)")
    }

    /// What an error status from the hub means for this share.
    func classify(_ response: PeerResponse) -> HubFailure {
        let message = response.error?.message ?? Self.printable(response.body)
        if (response.status == 400 || response.status == 401), let (block, offset) = Self.replayFloor(in: response.error) {
            return .behindReplayFloor(block: block, resumeAt: offset)
        }
        switch response.status {
        case 404:
            return .notFound
        case 400 where message == ServiceError.clientNotRegistered("").message:
            markUnregistered()
            return .unavailable("the hub does not know this client")
        case 400 where message == Self.referenceUnknownKeyMessage:
            return .notFound
        case 401 where message == ServiceError.missingSignature.message || message == ServiceError.invalidSignature("").message:
            // The hub could not check our MAC: the pools of the pair are out of step.
            return .refused(status: 401, message: message)
        case 401:
            return .notAllowed(message)
        case 503 where message == ServiceError.psrdExhausted("").message:
            let (needed, available) = Self.shortage(in: response.error)
            return .psrdExhausted(.hub, needed: needed, available: available)
        default:
            return .refused(status: response.status, message: message)
        }
    }

    /// Where a restarted hub resumed in a client-owned block, from its refusal of a MAC key or pad
    /// below its replay window (`PSRDError.belowReplayFloor`, rendered in the message or the
    /// details): "... of block UUID lies below the replay window ...; resume at offset N".
    static func replayFloor(in error: ErrorResponse?) -> (UUID, Int)? {
        guard let error else { return nil }
        var texts = [error.message]
        for (_, value) in error.details?.members ?? [] { if case .string(let text) = value { texts.append(text) } }
        for text in texts where text.contains("below the replay window") {
            guard let blockRange = text.range(of: "of block "), let offsetRange = text.range(of: "resume at offset ") else { continue }
            let uuidText = text[blockRange.upperBound...].prefix(36)
            let digits = text[offsetRange.upperBound...].prefix { $0.isASCII && $0.isNumber }
            if let uuid = UUID(uuidString: String(uuidText)), let offset = Int(digits) { return (uuid, offset) }
        }
        return nil
    }

    /// What a hub's "Out of PSRD" answer says it lacked: `{"reason": "N bytes needed, M available"}`
    /// (`ServiceError.fromOwnPool`); zeros when it does not say.
    static func shortage(in error: ErrorResponse?) -> (needed: Int, available: Int) {
        guard case .string(let reason)? = error?.details?["reason"] else { return (0, 0) }
        let numbers = reason.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        guard numbers.count == 2, reason.contains("bytes needed") else { return (0, 0) }
        return (numbers[0], numbers[1])
    }

    /// The reference hub answers an unknown key ID with 400 and this message.
    static let referenceUnknownKeyMessage = "Unknown key ID"

    /// A short printable excerpt of a non-JSON error body (the reference's plain-text 500s).
    static func printable(_ body: [UInt8]) -> String {
        let text = String(decoding: body.prefix(80), as: UTF8.self)
        return String(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "?" : Character($0) })
    }
}
