@testable import DSKEClient
import DSKECore
import Testing

/// How much waiting work one multi message carries.
@Suite struct ShareMessageQueueTests {
    struct Work: QueuedShareWork {
        typealias Outcome = Int
        let keyCount: Int
        let padBytes: Int

        func failed(_ failure: HubFailure) -> Int { 0 }

        init(keys: Int, bytes: Int = 32) {
            keyCount = keys
            padBytes = keys * bytes
        }
    }

    func count(_ works: [Work]) -> Int { ShareMessageQueue<Work>.leadingGroupCount(works) }

    @Test func everythingWaitingLeavesTogetherWhenItFits() {
        #expect(count([Work(keys: 1)]) == 1)
        #expect(count(Array(repeating: Work(keys: 1), count: 10)) == 10)
        #expect(count([Work(keys: 128), Work(keys: 128), Work(keys: 1)]) == 3)
    }

    @Test func aMultiMessageStaysWithinEveryLimit() {
        #expect(count(Array(repeating: Work(keys: 1), count: KeyShareMulti.maxMessages + 5)) == KeyShareMulti.maxMessages)
        #expect(count([Work(keys: 1000), Work(keys: 24), Work(keys: 1)]) == 2)
        let big = ETSILimits.maxBytesPerMessage / 2
        #expect(count([Work(keys: 1, bytes: big), Work(keys: 1, bytes: big), Work(keys: 1, bytes: 1)]) == 2)
    }

    @Test func workBeyondTheLimitsStillLeavesAlone() {
        #expect(count([Work(keys: KeyShareBatch.maxCount + 1), Work(keys: 1)]) == 1)
        #expect(count([Work(keys: 1, bytes: ETSILimits.maxBytesPerMessage + 1), Work(keys: 1)]) == 1)
    }

    @Test func oneMessageAtATimeAndNothingOvertakesWaitingWork() {
        let queue = ShareMessageQueue<Work>()
        #expect(queue.canSendNow)
        queue.enter()
        #expect(!queue.canSendNow)
        #expect(queue.nextGroup() == nil)
        queue.leave()
        #expect(queue.canSendNow)
    }
}
