import DSKEService
import Testing

@Suite struct HeapTrimmerTests {
    /// Feeds ticks of `HeapTrimmer.tick` with the given CPU milliseconds each; the decisions.
    private func decisions(_ cpuPerTick: [Int], trimmer: inout HeapTrimmer) -> [Bool] {
        var cpu = Duration.seconds(3)
        _ = trimmer.shouldTrim(cpuTime: cpu, elapsed: HeapTrimmer.tick)
        return cpuPerTick.map { used in
            cpu += .milliseconds(used)
            return trimmer.shouldTrim(cpuTime: cpu, elapsed: HeapTrimmer.tick)
        }
    }

    @Test func neverTrimsWhileRequestsKeepTheNodeBusy() {
        var trimmer = HeapTrimmer()
        let result = decisions(Array(repeating: 200, count: 40), trimmer: &trimmer)
        #expect(!result.contains(true))
    }

    @Test func trimsOnceWhenTheNodeGoesQuietAfterWork() {
        var trimmer = HeapTrimmer()
        let result = decisions([200, 250, 180, 0, 0, 0, 1, 0], trimmer: &trimmer)
        #expect(result == [false, false, false, true, false, false, false, false])
    }

    @Test func trimsAgainOnlyAfterMoreWork() {
        var trimmer = HeapTrimmer()
        let result = decisions([100, 0, 0, 90, 2, 0], trimmer: &trimmer)
        #expect(result == [false, true, false, false, true, false])
    }

    @Test func anIdleNodeIsNeverTrimmed() {
        var trimmer = HeapTrimmer()
        let result = decisions([0, 1, 0, 2, 0, 0], trimmer: &trimmer)
        #expect(!result.contains(true))
    }

    @Test func cpuUnderTheQuietShareIsNotWork() {
        // 5% of 250 ms is 12.5 ms: a lone request or the pool watch does not cause a trim.
        var trimmer = HeapTrimmer()
        let result = decisions([12, 0, 10, 0], trimmer: &trimmer)
        #expect(!result.contains(true))
    }

    @Test func aLateTickIsJudgedByItsRealLength() {
        var trimmer = HeapTrimmer()
        var cpu = Duration.zero
        _ = trimmer.shouldTrim(cpuTime: cpu, elapsed: HeapTrimmer.tick)
        cpu += .milliseconds(100)
        let busy = trimmer.shouldTrim(cpuTime: cpu, elapsed: .milliseconds(250))
        #expect(!busy)
        // 40 ms of CPU over a tick that took 2 s (an overloaded machine) is quiet.
        cpu += .milliseconds(40)
        let quiet = trimmer.shouldTrim(cpuTime: cpu, elapsed: .seconds(2))
        #expect(quiet)
    }
}
