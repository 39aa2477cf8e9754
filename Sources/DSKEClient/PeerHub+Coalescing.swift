import DSKECore
import DSKEService
import Foundation
import PSRDStore

/// A key request's shares for one hub, waiting to be posted.
struct PostWork: QueuedShareWork {
    typealias Outcome = [HubFailure?]
    let master: String
    let slave: String
    let keyIDs: [UUID]
    /// This hub's share of each key, in key order.
    let shares: ShareColumn

    var keyCount: Int { keyIDs.count }
    var padBytes: Int { shares.bytes.count }

    func failed(_ failure: HubFailure) -> Outcome { Array(repeating: failure, count: keyIDs.count) }
}

/// A key request's keys whose shares are to be fetched from one hub.
struct FetchWork: QueuedShareWork {
    typealias Outcome = FetchedShares
    let master: String
    let slave: String
    let keyIDs: [UUID]
    let expectedSize: Int

    var keyCount: Int { keyIDs.count }
    var padBytes: Int { keyIDs.count * expectedSize }

    func failed(_ failure: HubFailure) -> Outcome { FetchedShares(PeerHub.all(keyIDs, failure)) }
}

/// Concurrent key requests share their messages to a hub with the multi extension
/// (`ShareMessageQueue`, `MultiShareMessages.swift`): a request alone sends the batch message it
/// always sent; requests that arrive while messages are in flight leave together in one multi
/// message, each keeping its own outcome.
extension PeerHub {
    // MARK: Posting

    func coalescedPost(_ work: PostWork) async -> [HubFailure?] {
        await coalesced(work, in: postQueue, alone: { await $0.postAlone($1) }, together: { await $0.postMulti($1) })
    }

    private func postAlone(_ work: PostWork) async -> [HubFailure?] {
        let failure = await retrying { () async -> HubFailure? in
            await postBatch(master: work.master, slave: work.slave, keyIDs: work.keyIDs, shares: work.shares)
        }
        return Array(repeating: failure, count: work.keyIDs.count)
    }

    /// `POST key-shares/multi`: one outcome per work; a failure of the whole message (repaired
    /// and retried as a single message's would be) is every work's.
    private func postMulti(_ works: [PostWork]) async -> [[HubFailure?]] {
        var inner: [HubFailure?] = Array(repeating: nil, count: works.count)
        let failure = await retrying { () async -> HubFailure? in
            switch await postMultiOnce(works) {
            case .failure(let failure): return failure
            case .success(let outcomes):
                inner = outcomes
                return nil
            }
        }
        return works.indices.map { Array(repeating: failure ?? inner[$0], count: works[$0].keyIDs.count) }
    }

    private func postMultiOnce(_ works: [PostWork]) async -> Result<[HubFailure?], HubFailure> {
        let messages: [PostKeySharesRequest]
        switch await seal(works) {
        case .failure(let failure): return .failure(failure)
        case .success(let sealed): messages = sealed
        }
        let body = WireCoding.encode(PostKeySharesMultiRequest(masterClientName: settings.name, messages: messages))
        let outcomes: [KeySharesOutcome]
        switch await sendMulti(path: "/dske/api/v1/key-shares/multi", body: body, count: works.count, responseLimit: Self.multiOutcomeLimit) {
        case .failure(let failure): return .failure(failure)
        case .success(let answer): outcomes = answer
        }
        var failures: [HubFailure?] = []
        for (outcome, work) in zip(outcomes, works) {
            if outcome.isOK {
                counters.sharesPosted += work.keyIDs.count
                failures.append(nil)
            } else {
                failures.append(fail(classify(Self.response(for: outcome))))
            }
        }
        return .success(failures)
    }

    // MARK: Fetching

    func coalescedFetch(_ work: FetchWork) async -> FetchedShares {
        await coalesced(work, in: fetchQueue, alone: { hub, work in
            await hub.fetchChunk(master: work.master, slave: work.slave, keyIDs: work.keyIDs, expectedSize: work.expectedSize)
        }, together: { await $0.fetchMulti($1) })
    }

    /// `POST key-shares/fetch-multi`, repaired and sent again a few times when a pool was short
    /// or out of step, as a single fetch is.
    private func fetchMulti(_ works: [FetchWork]) async -> [FetchedShares] {
        let result = await repairing(keys: works.reduce(0) { $0 + $1.keyCount }, { await fetchMultiOnce(works) }, failure: { result in
            if case .failure(let failure) = result, Self.isRepairable(failure) { failure } else { nil }
        })
        switch result {
        case .success(let outcomes): return outcomes
        case .failure(let failure): return works.map { $0.failed(failure) }
        }
    }

    private func fetchMultiOnce(_ works: [FetchWork]) async -> Result<[FetchedShares], HubFailure> {
        let padBytes = works.reduce(0) { $0 + $1.padBytes }
        if let failure = await reserve(own: MessageAuthenticator.keySize, peer: padBytes + MessageAuthenticator.keySize) {
            return .failure(failure)
        }
        let requests = works.map {
            FetchKeySharesRequest(clientName: settings.name, masterSAEID: $0.master, slaveSAEID: $0.slave, keyIDs: $0.keyIDs,
                                  packed: packsShares)
        }
        let body = WireCoding.encode(FetchKeySharesMultiRequest(clientName: settings.name, requests: requests))
        let keys = works.reduce(0) { $0 + $1.keyCount }
        let outcomes: [KeySharesOutcome]
        switch await sendMulti(path: "/dske/api/v1/key-shares/fetch-multi", body: body, count: works.count,
                               responseLimit: keys * Self.shareAnswerLimit + Self.multiOutcomeLimit) {
        case .failure(let failure): return .failure(failure)
        case .success(let answer): outcomes = answer
        }
        // A refused request's keys have no shares to open.
        let opened = await open(answers: zip(outcomes, works).map { outcome, work in
            guard outcome.isOK else { return ShareAnswer(requested: work.keyIDs) }
            return ShareAnswer(requested: work.keyIDs, packed: outcome.packed, list: outcome.listShares ?? [])
        })
        return .success(zip(outcomes, works).enumerated().map { position, pair in
            pair.0.isOK ? opened[position] : pair.1.failed(fail(classify(Self.response(for: pair.0))))
        })
    }

    // MARK: Plumbing

    /// Sends `work` at once with `alone` when `queue` lets a message leave, else waits for the
    /// next message, which `together` sends for all the work waiting then (`alone` when it is one).
    private func coalesced<Work: QueuedShareWork>(_ work: Work, in queue: ShareMessageQueue<Work>,
                                                  alone: @escaping @Sendable (isolated PeerHub, Work) async -> Work.Outcome,
                                                  together: @escaping @Sendable (isolated PeerHub, [Work]) async -> [Work.Outcome]) async -> Work.Outcome {
        if queue.canSendNow {
            queue.enter()
            let outcome = await alone(self, work)
            queue.leave()
            sendWaiting(queue, alone: alone, together: together)
            return outcome
        }
        return await withCheckedContinuation { continuation in
            queue.wait(work, continuation)
            sendWaiting(queue, alone: alone, together: together)
        }
    }

    private func sendWaiting<Work: QueuedShareWork>(_ queue: ShareMessageQueue<Work>,
                                                    alone: @escaping @Sendable (isolated PeerHub, Work) async -> Work.Outcome,
                                                    together: @escaping @Sendable (isolated PeerHub, [Work]) async -> [Work.Outcome]) {
        while let group = queue.nextGroup() {
            Task {
                // The message ahead may have found the hub down: fail at once rather than wait
                // for another deadline (a probe brings the hub back for later requests).
                let outcomes = !isUsable ? group.map { $0.work.failed(unusableFailure) }
                    : group.count == 1 ? [await alone(self, group[0].work)] : await together(self, group.map { $0.work })
                for (waiting, outcome) in zip(group, outcomes) { waiting.continuation.resume(returning: outcome) }
                queue.leave()
                sendWaiting(queue, alone: alone, together: together)
            }
        }
    }

    /// Sends a multi message; its outcomes, one per inner message, or the failure of the whole.
    private func sendMulti(path: String, body: [UInt8], count: Int, responseLimit: Int) async -> Result<[KeySharesOutcome], HubFailure> {
        counters.multiMessages += 1
        counters.coalescedRequests += count
        let response: PeerResponse
        do {
            response = try await sendShareMessage(.POST, path: path, body: body, responseLimit: responseLimit)
        } catch {
            return .failure(error)
        }
        guard response.isOK else { return .failure(fail(classify(response))) }
        let answer: KeySharesMultiResponse
        do {
            answer = try response.decode(KeySharesMultiResponse.self, limit: responseLimit)
        } catch {
            return .failure(fail(.badResponse("multi answer: \(error)")))
        }
        guard answer.outcomes.count == count else {
            return .failure(fail(.badResponse("multi answer: \(answer.outcomes.count) outcomes for \(count) messages")))
        }
        return .success(answer.outcomes)
    }

    /// An inner message's refusal as the answer it would have been alone, for `classify`.
    private static func response(for outcome: KeySharesOutcome) -> PeerResponse {
        PeerResponse(status: outcome.status, body: outcome.error.map(WireCoding.encode) ?? [])
    }

    /// Room for the outcomes of a full multi message, error bodies included.
    static let multiOutcomeLimit = KeyShareMulti.maxMessages * 4096
}
