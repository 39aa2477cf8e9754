import DSKECore
@testable import DSKEService
import Testing

/// Which pools count as low in courier mode, and how often the log hears about it.
@Suite struct LowPoolWatchTests {
    static func level(_ peer: String, _ owner: PoolOwner, total: Int, unused: Int, blocks: Int = 1) -> PoolLevel {
        PoolLevel(peer: peer, owner: owner, blocks: blocks, totalBytes: total, unusedBytes: unused)
    }

    @Test func offAtZeroPercent() {
        #expect(LowPoolWatch(node: "carol", role: .client, percent: 0) == nil)
    }

    @Test func aPoolIsMeasuredAgainstWhatItHeldWhenFullNotAgainstTheBlocksLeft() async throws {
        let watch = try #require(LowPoolWatch(node: "carol", role: .client, percent: 10))
        let hubPool = Self.level("hank", .hub, total: 1000, unused: 1000)
        #expect(await watch.warnings(levels: [Self.level("hank", .client, total: 200, unused: 200, blocks: 2), hubPool],
                                     peers: ["hank"]).isEmpty)
        // The first block is used up and dropped: 15 of the remaining 100 is 15%, but of the
        // 200 the pool held it is 7%, below the mark.
        let low = await watch.warnings(levels: [Self.level("hank", .client, total: 100, unused: 15), hubPool], peers: ["hank"])
        #expect(low == [LowPoolWarning(client: "carol", hub: "hank", owner: .client, unusedBytes: 15, fullBytes: 200)])
        #expect(low.first?.percentLeft == 7)
        #expect(low.first?.message == "carol↔hank: client-owned pool 7% left (15 of 200 bytes), issue a new bundle: "
                + "psrd-courier issue --hub hank --client carol --to MEDIUM")
        // A new bundle: full again at the new total.
        #expect(await watch.warnings(levels: [Self.level("hank", .client, total: 300, unused: 215, blocks: 2), hubPool],
                                     peers: ["hank"]).isEmpty)
    }

    @Test func aPeerWithoutPSRDIsReportedEmptyFromTheHubsSide() async throws {
        let watch = try #require(LowPoolWatch(node: "hank", role: .hub, percent: 20))
        let warnings = await watch.warnings(levels: [Self.level("carol", .hub, total: 100, unused: 100)], peers: ["carol", "connie"])
        #expect(warnings.map(\.message) == [
            "carol↔hank: client-owned pool empty, issue a new bundle: psrd-courier issue --hub hank --client carol --to MEDIUM",
            "connie↔hank: hub-owned pool empty, issue a new bundle: psrd-courier issue --hub hank --client connie --to MEDIUM",
            "connie↔hank: client-owned pool empty, issue a new bundle: psrd-courier issue --hub hank --client connie --to MEDIUM",
        ])
    }

    @Test func theLogHearsOfEachDropOnceUntilAnImportLiftsThePool() async throws {
        let watch = try #require(LowPoolWatch(node: "carol", role: .client, percent: 50))
        let other = Self.level("hank", .hub, total: 100, unused: 100)
        func fresh(_ unused: Int, total: Int = 100) async -> Int {
            await watch.newWarnings(levels: [Self.level("hank", .client, total: total, unused: unused), other], peers: ["hank"]).count
        }
        #expect(await fresh(100) == 0)
        #expect(await fresh(40) == 1)
        #expect(await fresh(30) == 0)
        #expect(await fresh(130, total: 200) == 0)
        #expect(await fresh(90, total: 200) == 1)
    }

    @Test func onlyLoopbackCallersMayImport() {
        for host in ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"] { #expect(NodeImportRoute.isLoopback(host), "\(host)") }
        for host in ["", "10.0.0.1", "::ffff:10.0.0.1", "fe80::1", "1127.0.0.1", "128.0.0.1"] {
            #expect(!NodeImportRoute.isLoopback(host), "\(host)")
        }
    }
}
