import DSKECore
@testable import DSKEHub
import DSKEService
import Foundation
import Synchronization
import Testing

/// The in-memory share store on its own: one share per key ID, all-or-nothing claims, expiry.
@Suite struct ShareStoreTests {
    func share(_ id: UUID = UUID(), slaveClient: String = "connie", value: [UInt8] = [1, 2, 3]) -> PendingShare {
        PendingShare(keyID: id, masterClient: "carol", masterSAE: "sam", slaveSAE: "sofia", slaveClient: slaveClient,
                     shareIndex: 0, value: SecretBytes(value))
    }

    @Test func aClaimTakesTheSharesAndARestorePutsThemBack() async throws {
        let store = ShareStore(expiry: .seconds(60))
        let a = share(), b = share()
        try await store.add([a, b])
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
        try await store.add([mine, theirs])
        await #expect(throws: ServiceError.self) {
            _ = try await store.claim(keyIDs: [mine.keyID, theirs.keyID], client: "connie", masterSAE: "sam", slaveSAE: "sofia")
        }
        #expect(await store.pendingCount == 2)
    }

    @Test func addingIsAllOrNothing() async throws {
        let store = ShareStore(expiry: .seconds(60), capacity: 3)
        let held = share()
        try await store.add([held])
        await #expect(throws: ServiceError.self) { try await store.add([share(), share(held.keyID)]) }
        await #expect(throws: ServiceError.self) { try await store.add([share(), share(), share()]) }
        #expect(await store.pendingCount == 1)
    }

    @Test func sharesExpireInOrderAndADeliveredKeyIDPostedAgainKeepsItsOwnExpiry() async throws {
        let clock = Clock()
        let store = ShareStore(expiry: .seconds(10), now: { clock.now() })
        let ids = (0..<100).map { _ in UUID() }
        for (i, id) in ids.enumerated() {
            try await store.add([share(id)])
            if i == 49 { clock.advance(.seconds(5)) }
        }
        // Deliver the first key, then post it again later.
        _ = try await store.claim(keyIDs: [ids[0]], client: "connie", masterSAE: "sam", slaveSAE: "sofia")
        clock.advance(.seconds(4))
        try await store.add([share(ids[0])])
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
        try await store.add([kept])
        for _ in 0..<100 {
            let batch = (0..<100).map { _ in share() }
            try await store.add(batch)
            _ = try await store.claim(keyIDs: batch.map(\.keyID), client: "connie", masterSAE: "sam", slaveSAE: "sofia")
        }
        // 10,001 posted, one held: the queue stays near its floor instead of 10,001 entries.
        #expect(await store.queuedEntries <= 2 * 1 + 1024 + 100)
        clock.advance(.seconds(301))
        #expect(await store.purgeExpired() == 1, "the share still held expires on time")
        #expect(await store.pendingCount == 0)
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
