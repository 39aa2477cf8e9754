import DSKECore
@testable import DSKEHub
import DSKEService
import Foundation
import Synchronization
import Testing

/// The in-memory share store on its own: one share per key ID, all-or-nothing claims, expiry.
@Suite struct ShareStoreTests {
    func share(_ id: UUID = UUID(), slaveClient: String = "connie", value: [UInt8] = [1, 2, 3]) -> PendingShare {
        PendingShare.open(id, slaveClient: slaveClient, shareIndex: 0, value: value)
    }

    @Test func aClaimTakesTheSharesAndARestorePutsThemBack() async throws {
        let store = ShareStore(expiry: .seconds(60))
        let a = share(), b = share()
        try await store.add([a, b].map(\.batch))
        let claimed = try await store.claim(keyIDs: [b.keyID, UUID(), a.keyID], client: "connie", masterSAE: "sam", slaveSAE: "sofia")
        #expect(claimed.map(\.keyID) == [b.keyID, a.keyID])
        #expect(await store.pendingCount == 0)
        await store.restore(claimed)
        #expect(await store.pendingCount == 2)
        #expect(await store.counters.delivered == 0)
    }

    @Test func aRefusedClaimTakesNothing() async throws {
        let store = ShareStore(expiry: .seconds(60))
        let mine = share(), theirs = share(slaveClient: "curtis")
        try await store.add([mine, theirs].map(\.batch))
        await #expect(throws: ServiceError.self) {
            _ = try await store.claim(keyIDs: [mine.keyID, theirs.keyID], client: "connie", masterSAE: "sam", slaveSAE: "sofia")
        }
        #expect(await store.pendingCount == 2)
    }

    @Test func addingIsAllOrNothing() async throws {
        let store = ShareStore(expiry: .seconds(60), capacity: 3)
        let held = share()
        try await store.add([held].map(\.batch))
        await #expect(throws: ServiceError.self) { try await store.add([share(), share(held.keyID)].map(\.batch)) }
        await #expect(throws: ServiceError.self) { try await store.add([share(), share(), share()].map(\.batch)) }
        #expect(await store.pendingCount == 1)
    }

    @Test func sharesExpireInOrderAndADeliveredKeyIDPostedAgainKeepsItsOwnExpiry() async throws {
        let clock = Clock()
        let store = ShareStore(expiry: .seconds(10), now: { clock.now() })
        let ids = (0..<100).map { _ in UUID() }
        for (i, id) in ids.enumerated() {
            try await store.add([share(id)].map(\.batch))
            if i == 49 { clock.advance(.seconds(5)) }
        }
        // Deliver the first key, then post it again later.
        _ = try await store.claim(keyIDs: [ids[0]], client: "connie", masterSAE: "sam", slaveSAE: "sofia")
        clock.advance(.seconds(4))
        try await store.add([share(ids[0])].map(\.batch))
        clock.advance(.seconds(2))  // t = 11: the first 50 (posted at t = 0) are due
        #expect(await store.purgeExpired() == 49)
        #expect(await store.pendingCount == 51, "the re-posted key lives until t = 19")
        clock.advance(.seconds(5))  // t = 16: the second 50 (t = 5) are due
        #expect(await store.purgeExpired() == 50)
        #expect(await store.pendingCount == 1)
        clock.advance(.seconds(3))
        #expect(await store.pendingCount == 0)
        #expect(await store.counters.expired == 100)
    }

    @Test func deliveredSharesDoNotPileUpInTheExpiryQueueAndHeldOnesStillExpire() async throws {
        let clock = Clock()
        let store = ShareStore(expiry: .seconds(300), now: { clock.now() })
        let kept = share()
        try await store.add([kept].map(\.batch))
        for _ in 0..<100 {
            let batch = (0..<100).map { _ in share() }
            try await store.add(batch.map(\.batch))
            _ = try await store.claim(keyIDs: batch.map(\.keyID), client: "connie", masterSAE: "sam", slaveSAE: "sofia")
        }
        // 10,001 posted, one held: the queue stays near its floor instead of 10,001 entries.
        #expect(await store.queuedEntries <= 2 * 1 + 1024 + 100)
        clock.advance(.seconds(301))
        #expect(await store.purgeExpired() == 1, "the share still held expires on time")
        #expect(await store.pendingCount == 0)
    }

    /// A batch posted as one message, with key IDs `ids` and share i holding bytes [i, i].
    func batch(_ ids: [UUID], slaveClient: String = "connie") -> PendingBatch {
        PendingBatch(keyIDs: ids, masterClient: "carol", masterSAE: "sam", slaveSAE: "sofia", slaveClient: slaveClient,
                     shareIndex: 2, encrypted: ids.indices.flatMap { [UInt8($0), UInt8($0)] },
                     pad: [UInt8](repeating: 0, count: 2 * ids.count))!
    }

    @Test func aBatchIsClaimedShareByShareAndItsRestExpires() async throws {
        let clock = Clock()
        let store = ShareStore(expiry: .seconds(10), now: { clock.now() })
        let ids = (0..<5).map { _ in UUID() }
        try await store.add([batch(ids)])
        let claimed = try await store.claim(keyIDs: [ids[3], ids[1]], client: "connie", masterSAE: "sam", slaveSAE: "sofia")
        #expect(claimed.map { $0.withValue(Array.init) } == [[3, 3], [1, 1]])
        #expect(claimed.map(\.shareIndex) == [2, 2])
        claimed[0].wipe()
        #expect(claimed[0].withValue(Array.init) == [0, 0])
        #expect(claimed[1].withValue(Array.init) == [1, 1], "wiping one share leaves the others of its batch")
        #expect(await store.pendingCount == 3)
        clock.advance(.seconds(11))
        #expect(await store.purgeExpired() == 3, "the shares still held expire, the claimed ones are not counted")
        #expect(await store.counters.expired == 3)
        #expect(claimed[1].withValue(Array.init) == [1, 1], "a claimed share is its claimer's until it wipes it")
    }

    @Test func aRefusalInABatchPutsBackEveryShareTaken() async throws {
        let store = ShareStore(expiry: .seconds(60))
        let mine = (0..<3).map { _ in UUID() }, theirs = [UUID()]
        try await store.add([batch(mine), batch(theirs, slaveClient: "curtis")])
        await #expect(throws: ServiceError.self) {
            _ = try await store.claim(keyIDs: mine + theirs, client: "connie", masterSAE: "sam", slaveSAE: "sofia")
        }
        #expect(await store.pendingCount == 4)
        let claimed = try await store.claim(keyIDs: mine, client: "connie", masterSAE: "sam", slaveSAE: "sofia")
        #expect(claimed.map(\.keyID) == mine)
    }

    @Test func aRestoredBatchStillExpiresAfterItsEntryWasDropped() async throws {
        let clock = Clock()
        let store = ShareStore(expiry: .seconds(300), now: { clock.now() })
        let ids = (0..<4).map { _ in UUID() }
        try await store.add([batch(ids)])
        let claimed = try await store.claim(keyIDs: ids, client: "connie", masterSAE: "sam", slaveSAE: "sofia")
        // Enough delivered batches after it that the queue drops the entries of empty batches.
        for _ in 0..<1100 {
            let other = [UUID()]
            try await store.add([batch(other)])
            _ = try await store.claim(keyIDs: other, client: "connie", masterSAE: "sam", slaveSAE: "sofia")
        }
        #expect(await store.queuedEntries < 1100)
        await store.restore(claimed)
        #expect(await store.pendingCount == 4)
        clock.advance(.seconds(301))
        #expect(await store.purgeExpired() == 4, "the restored shares expire on time")
        #expect(await store.pendingCount == 0)
    }

    @Test func aBatchWhoseSharesAllLeftIsFreedBeforeItsQueueEntryIsReached() async throws {
        let store = ShareStore(expiry: .seconds(60))
        weak var freed: PendingBatch?
        do {
            let ids = [UUID(), UUID()]
            let posted = batch(ids)
            freed = posted
            try await store.add([posted])
            let claimed = try await store.claim(keyIDs: ids, client: "connie", masterSAE: "sam", slaveSAE: "sofia")
            #expect(claimed.count == 2)
        }
        #expect(freed == nil, "the expiry queue must not keep a delivered batch's buffer alive")
        #expect(await store.queuedEntries == 1)
    }

    @Test func discardForgetsOnlyTheBatchJustAdded() async throws {
        let store = ShareStore(expiry: .seconds(60))
        let ids = [UUID(), UUID()]
        let first = batch(ids)
        try await store.add([first])
        _ = try await store.claim(keyIDs: [ids[0]], client: "connie", masterSAE: "sam", slaveSAE: "sofia")
        let again = batch([ids[0]])
        try await store.add([again])
        await store.discard([first])
        #expect(await store.pendingCount == 1, "the key ID posted again belongs to its own batch")
        #expect(await store.counters.posted == 2)
    }

    @Test func wipingReachesEveryCopy() {
        let secret = SecretBytes([9, 9, 9])
        let copy = secret
        secret.wipe()
        #expect(copy.count == 0)
        #expect(copy.withBytes { $0 } == [])
    }

    final class Clock: Sendable {
        let base = ContinuousClock.now
        let offset = Mutex<Duration>(.zero)
        func now() -> ContinuousClock.Instant { base + offset.withLock { $0 } }
        func advance(_ duration: Duration) { offset.withLock { $0 += duration } }
    }
}
