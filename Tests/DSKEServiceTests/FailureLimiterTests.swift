import DSKEService
import Synchronization
import Testing

@Suite struct FailureLimiterTests {
    final class Clock: Sendable {
        let base = ContinuousClock.now
        let offset = Mutex<Duration>(.zero)
        func now() -> ContinuousClock.Instant { base + offset.withLock { $0 } }
        func advance(_ duration: Duration) { offset.withLock { $0 += duration } }
    }

    @Test func blocksAfterTheLimitWithinTheWindowAndForgetsAfterIt() async {
        let clock = Clock()
        let limiter = FailureLimiter(maxFailures: 3, window: .seconds(10), now: { clock.now() })
        let carol = FailureLimiter.Key(peer: "carol", address: "10.0.0.1")
        for _ in 0..<2 { await limiter.recordFailure(carol) }
        #expect(await !limiter.isBlocked(carol))
        clock.advance(.seconds(6))
        await limiter.recordFailure(carol)
        #expect(await limiter.isBlocked(carol))
        await #expect(throws: ServiceError.tooManyFailures(peer: "carol")) { try await limiter.check(carol) }
        // The first two fall out of the window: below the limit again.
        clock.advance(.seconds(5))
        #expect(await !limiter.isBlocked(carol))
        #expect(await limiter.failureCount(carol) == 1)
    }

    @Test func anotherAddressIsNotBlockedInThePeersName() async {
        let limiter = FailureLimiter(maxFailures: 1)
        let forger = FailureLimiter.Key(peer: "carol", address: "10.6.6.6")
        await limiter.recordFailure(forger)
        #expect(await limiter.isBlocked(forger))
        #expect(await !limiter.isBlocked(FailureLimiter.Key(peer: "carol", address: "10.0.0.1")))
        #expect(await !limiter.isBlocked(FailureLimiter.Key(peer: "connie", address: "10.6.6.6")))
    }

    @Test func memoryIsBoundedWhenFailuresComeFromEverywhere() async {
        let limiter = FailureLimiter(maxFailures: 5, maxKeys: 10)
        for i in 0..<100 { await limiter.recordFailure(.init(peer: "p\(i)", address: "a")) }
        #expect(await limiter.totalRecentFailures() <= 10)
        #expect(await limiter.failureCount(.init(peer: "p99", address: "a")) == 1)
    }
}
