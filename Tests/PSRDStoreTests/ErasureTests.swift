import DSKECore
import Foundation
@testable import PSRDStore
import Testing

@Suite struct ErasureTests {
    @Test func usedBytesAreZeroInTheBlockFilesAndOthersIntact() async throws {
        let pair = try await StorePair(sizes: [1000])
        let (a, original) = pair.blocks[0]
        _ = try await pair.client.allocate(peer: "hub1", size: 32)
        _ = try await pair.client.allocate(peer: "hub1", size: 68)
        let clientFile = try #require(Fixture.fileBytes(pair.filePath(hub: false, a)))
        #expect(clientFile[0..<100].allSatisfy { $0 == 0 })
        #expect(Array(clientFile[100...]) == Array(original[100...]))

        _ = try await pair.hub.take(peer: "client1", allocation: try range(a, 10, 10))
        _ = try await pair.hub.take(peer: "client1", allocation: try range(a, 50, 10))
        let hubFile = try #require(Fixture.fileBytes(pair.filePath(hub: true, a)))
        for i in 0..<1000 {
            let used = (10..<20).contains(i) || (50..<60).contains(i)
            #expect(hubFile[i] == (used ? 0 : original[i]), "byte \(i)")
        }
    }

    @Test func peekErasesNothing() async throws {
        let pair = try await StorePair(sizes: [100])
        let (a, original) = pair.blocks[0]
        _ = try await pair.hub.peek(peer: "client1", allocation: try range(a, 0, 32))
        #expect(Fixture.fileBytes(pair.filePath(hub: true, a)) == original)
    }

    /// A crash can leave zeroed pages unwritten (power loss) or reserved bytes never used: the
    /// next open erases everything below the marks.
    @Test func openErasesEverythingBelowTheMarksThatACrashLeft() async throws {
        let pair = try await StorePair(sizes: [5000], chunk: 1024)
        let (a, original) = pair.blocks[0]
        let (first, _) = try await pair.client.allocate(peer: "hub1", size: 32)
        _ = try await pair.hub.take(peer: "client1", allocation: first)
        await pair.client.abandon()
        await pair.hub.abandon()
        // Put the original bytes back, as if the zeroed pages never reached the disk.
        for hub in [false, true] {
            try Data(original).write(to: URL(fileURLWithPath: pair.filePath(hub: hub, a)))
        }
        let client = try await pair.reopenClient()
        let hub = try await pair.reopenHub()
        for hub in [false, true] {
            let file = try #require(Fixture.fileBytes(pair.filePath(hub: hub, a)))
            #expect(file[0..<1056].allSatisfy { $0 == 0 }, "below the mark (hub: \(hub))")
            #expect(Array(file[1056...]) == Array(original[1056...]), "above the mark (hub: \(hub))")
        }
        _ = (client, hub)
    }

    @Test func aCleanCloseErasesTheTakenRangesAgainOnOpen() async throws {
        let pair = try await StorePair(sizes: [1000])
        let (a, original) = pair.blocks[0]
        _ = try await pair.hub.take(peer: "client1", allocation: try range(a, 100, 50))
        try await pair.hub.close()
        try Data(original).write(to: URL(fileURLWithPath: pair.filePath(hub: true, a)))
        let hub = try await pair.reopenHub()
        let file = try #require(Fixture.fileBytes(pair.filePath(hub: true, a)))
        #expect(file[100..<150].allSatisfy { $0 == 0 })
        #expect(Array(file[0..<100]) == Array(original[0..<100]))
        #expect(Array(file[150...]) == Array(original[150...]))
        _ = hub
    }
}
