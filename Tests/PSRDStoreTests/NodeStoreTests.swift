import DSKECore
import Foundation
@testable import PSRDStore
import Testing

/// A client store that allocates and a hub store that takes, holding the same client-owned blocks.
struct StorePair {
    let clientDirectory = try! TemporaryDirectory()
    let hubDirectory = try! TemporaryDirectory()
    var client: NodeStore
    var hub: NodeStore
    let blocks: [(UUID, [UInt8])]
    let chunk: Int

    init(sizes: [Int], chunk: Int = 1024) async throws {
        self.chunk = chunk
        client = try await NodeStore(directory: clientDirectory.path + "/s", localRole: .client, reserveChunk: chunk)
        hub = try await NodeStore(directory: hubDirectory.path + "/s", localRole: .hub, reserveChunk: chunk)
        blocks = sizes.enumerated().map { (Fixture.uuid($0.offset + 1), Fixture.bytes($0.element, seed: $0.offset)) }
        for (uuid, bytes) in blocks {
            try await client.addBlock(peer: "hub1", owner: .client, uuid: uuid, bytes: bytes)
            try await hub.addBlock(peer: "client1", owner: .client, uuid: uuid, bytes: bytes)
        }
    }

    func reopenClient() async throws -> NodeStore {
        try await NodeStore(directory: clientDirectory.path + "/s", localRole: .client, reserveChunk: chunk)
    }

    func reopenHub() async throws -> NodeStore {
        try await NodeStore(directory: hubDirectory.path + "/s", localRole: .hub, reserveChunk: chunk)
    }

    func filePath(hub: Bool, _ uuid: UUID) -> String {
        (hub ? hubDirectory.path : clientDirectory.path) + "/s/blocks/\(uuid.lowercased).psrd"
    }
}

func range(_ uuid: UUID, _ start: Int, _ size: Int) throws -> Allocation {
    try Allocation(fragments: [Fragment(blockUUID: uuid, start: start, size: size)])
}

@Suite struct NodeStoreTests {
    @Test func theTakerGetsTheBytesTheOwnerAllocatedAcrossBlocks() async throws {
        let pair = try await StorePair(sizes: [40, 100])
        let (a, first, b, second) = (pair.blocks[0].0, pair.blocks[0].1, pair.blocks[1].0, pair.blocks[1].1)
        let (one, oneBytes) = try await pair.client.allocate(peer: "hub1", size: 32)
        let (two, twoBytes) = try await pair.client.allocate(peer: "hub1", size: 32)
        #expect(one.encoded == "\(a.lowercased):0:32")
        #expect(two.encoded == "\(a.lowercased):32:8,\(b.lowercased):0:24")
        #expect(oneBytes == Array(first[0..<32]))
        #expect(twoBytes == Array(first[32..<40]) + Array(second[0..<24]))
        #expect(try await pair.hub.take(peer: "client1", allocation: two) == twoBytes)
        #expect(try await pair.hub.take(peer: "client1", allocation: one) == oneBytes)
    }

    @Test func aTakeIsAllOrNothing() async throws {
        let pair = try await StorePair(sizes: [100, 100])
        let (a, b) = (pair.blocks[0].0, pair.blocks[1].0)
        _ = try await pair.hub.take(peer: "client1", allocation: try range(b, 50, 10))
        let mixed = try Allocation(fragments: [Fragment(blockUUID: a, start: 0, size: 32),
                                               Fragment(blockUUID: b, start: 55, size: 10)])
        await #expect(throws: PSRDError.alreadyUsed(block: b, start: 55, size: 10)) {
            try await pair.hub.take(peer: "client1", allocation: mixed)
        }
        #expect(try await pair.hub.take(peer: "client1", allocation: try range(a, 0, 32)) == Array(pair.blocks[0].1[0..<32]))
        #expect(await pair.hub.unusedBytes(peer: "client1", owner: .client) == 200 - 42)
    }

    /// The batch take merges pads cut one after the other into one take; each pad still gets
    /// its own bytes, and a refused pad among them fails alone while the others are taken.
    @Test func aBatchTakeGivesEachPadItsBytesAndFailsOnlyTheRefusedOnes() async throws {
        let pair = try await StorePair(sizes: [40, 100])
        var pads: [(Allocation, [UInt8])] = []
        for size in [16, 16, 24, 8] { pads.append(try await pair.client.allocate(peer: "hub1", size: size)) }
        let taken = await pair.hub.take(peer: "client1", allocations: pads.map(\.0))
        #expect(taken.map { try? $0.get() } == pads.map(\.1))
        #expect(await pair.hub.unusedBytes(peer: "client1", owner: .client) == 140 - 64)

        // Taken again: each is refused on its own, and nothing else is used.
        let again = await pair.hub.take(peer: "client1", allocations: [pads[0].0])
        #expect(throws: PSRDError.self) { try again[0].get() }
        let (fresh, freshBytes) = try await pair.client.allocate(peer: "hub1", size: 10)
        let mixed = await pair.hub.take(peer: "client1", allocations: [fresh, pads[1].0])
        #expect(try mixed[0].get() == freshBytes)
        #expect(throws: PSRDError.self) { try mixed[1].get() }
        #expect(await pair.hub.unusedBytes(peer: "client1", owner: .client) == 140 - 74)
    }

    @Test func takesOutOfRangeOverlappingUsedOrForeignAreRefused() async throws {
        let pair = try await StorePair(sizes: [100])
        let a = pair.blocks[0].0
        let hub = pair.hub
        await #expect(throws: PSRDError.outOfBlockRange(block: a, start: 90, size: 11, blockSize: 100)) {
            try await hub.take(peer: "client1", allocation: try range(a, 90, 11))
        }
        _ = try await hub.take(peer: "client1", allocation: try range(a, 20, 10))
        await #expect(throws: PSRDError.alreadyUsed(block: a, start: 25, size: 10)) {
            try await hub.take(peer: "client1", allocation: try range(a, 25, 10))
        }
        await #expect(throws: PSRDError.alreadyUsed(block: a, start: 20, size: 10)) {
            try await hub.take(peer: "client1", allocation: try range(a, 20, 10))
        }
        // Another peer's name, or the node's own pool, does not reach this block.
        await #expect(throws: PSRDError.unknownBlock(a)) {
            try await hub.take(peer: "client2", allocation: try range(a, 0, 10))
        }
        await #expect(throws: PSRDError.unknownBlock(a)) {
            try await pair.client.take(peer: "hub1", allocation: try range(a, 0, 10))
        }
        await #expect(throws: PSRDError.exhausted(requested: 8, available: 0)) {
            try await hub.allocate(peer: "client1", size: 8)
        }
    }

    @Test func requestsAboveTheBoundAreRefused() async throws {
        let directory = try TemporaryDirectory()
        let store = try await NodeStore(directory: directory.path, localRole: .client, maxRequest: 64)
        let a = Fixture.uuid(1), b = Fixture.uuid(2)
        try await store.addBlock(peer: "h", owner: .client, uuid: a, bytes: Fixture.bytes(1000))
        try await store.addBlock(peer: "h", owner: .hub, uuid: b, bytes: Fixture.bytes(1000))
        await #expect(throws: PSRDError.tooLarge(requested: 65, limit: 64)) { try await store.allocate(peer: "h", size: 65) }
        await #expect(throws: PSRDError.tooLarge(requested: 100, limit: 64)) {
            try await store.take(peer: "h", allocation: try range(b, 0, 100))
        }
    }

    @Test func levelsCountEveryPoolAndDropUsedUpBlocks() async throws {
        let directory = try TemporaryDirectory()
        let store = try await NodeStore(directory: directory.path, localRole: .hub)
        try await store.addBlock(peer: "carol", owner: .hub, uuid: Fixture.uuid(1), bytes: Fixture.bytes(64))
        try await store.addBlock(peer: "carol", owner: .hub, uuid: Fixture.uuid(2), bytes: Fixture.bytes(100))
        try await store.addBlock(peer: "carol", owner: .client, uuid: Fixture.uuid(3), bytes: Fixture.bytes(50))
        try await store.addBlock(peer: "celia", owner: .client, uuid: Fixture.uuid(4), bytes: Fixture.bytes(70))
        _ = try await store.allocate(peer: "carol", size: 80)
        _ = try await store.take(peer: "carol", allocation: try range(Fixture.uuid(3), 10, 5))
        #expect(await store.levels() == [
            PoolLevel(peer: "carol", owner: .client, blocks: 1, totalBytes: 50, unusedBytes: 45),
            PoolLevel(peer: "carol", owner: .hub, blocks: 1, totalBytes: 100, unusedBytes: 84),
            PoolLevel(peer: "celia", owner: .client, blocks: 1, totalBytes: 70, unusedBytes: 70),
        ])
        #expect(await store.unusedBytes(peer: "celia", owner: .hub) == 0)
        #expect(await store.unusedBytes(peer: "nobody", owner: .client) == 0)
    }

    @Test func usedUpBlocksAreDeletedAndNeverAcceptedAgain() async throws {
        let pair = try await StorePair(sizes: [64])
        let (a, bytes) = pair.blocks[0]
        let (whole, _) = try await pair.client.allocate(peer: "hub1", size: 64)
        _ = try await pair.hub.take(peer: "client1", allocation: whole)
        #expect(!FileManager.default.fileExists(atPath: pair.filePath(hub: false, a)))
        #expect(!FileManager.default.fileExists(atPath: pair.filePath(hub: true, a)))
        #expect(await pair.client.levels().isEmpty)
        #expect(await pair.hub.levels().isEmpty)
        await #expect(throws: StoreError.duplicateBlock(a)) {
            try await pair.client.addBlock(peer: "hub1", owner: .client, uuid: a, bytes: bytes)
        }
        // A replay into the deleted block is refused as used, also after a restart.
        await #expect(throws: PSRDError.alreadyUsed(block: a, start: 0, size: 64)) {
            try await pair.hub.take(peer: "client1", allocation: whole)
        }
        try await pair.hub.close()
        let hub = try await pair.reopenHub()
        await #expect(throws: PSRDError.belowReplayFloor(block: a, start: 0, size: 64, resumeAt: 64)) {
            try await hub.take(peer: "client1", allocation: whole)
        }
        await #expect(throws: StoreError.duplicateBlock(a)) {
            try await hub.addBlock(peer: "client1", owner: .client, uuid: a, bytes: bytes)
        }
        await #expect(throws: StoreError.duplicateBlock(a)) {
            try await hub.addBlock(peer: "someone-else", owner: .hub, uuid: a, bytes: bytes)
        }
    }

    @Test func aCleanRestartLosesNothing() async throws {
        let pair = try await StorePair(sizes: [1000])
        let a = pair.blocks[0].0
        for _ in 0..<3 { _ = try await pair.client.allocate(peer: "hub1", size: 32) }
        _ = try await pair.hub.take(peer: "client1", allocation: try range(a, 0, 32))
        _ = try await pair.hub.take(peer: "client1", allocation: try range(a, 64, 32))
        try await pair.client.close()
        try await pair.hub.close()

        let client = try await pair.reopenClient()
        let hub = try await pair.reopenHub()
        #expect(try await client.allocate(peer: "hub1", size: 32).0.encoded == "\(a.lowercased):96:32")
        // The gap the peer left is still usable; the taken ranges are not.
        #expect(try await hub.take(peer: "client1", allocation: try range(a, 32, 32)) == Array(pair.blocks[0].1[32..<64]))
        await #expect(throws: PSRDError.alreadyUsed(block: a, start: 64, size: 32)) {
            try await hub.take(peer: "client1", allocation: try range(a, 64, 32))
        }
        #expect(await hub.unusedBytes(peer: "client1", owner: .client) == 1000 - 96)
        #expect(await hub.restartFloors(peer: "client1").isEmpty)  // a clean close sets no window
    }

    @Test func aCrashSkipsTheReservedChunkAndRefusesEverythingBelowTheWindow() async throws {
        let pair = try await StorePair(sizes: [10_000], chunk: 1024)
        let a = pair.blocks[0].0
        let (first, _) = try await pair.client.allocate(peer: "hub1", size: 32)
        _ = try await pair.hub.take(peer: "client1", allocation: first)
        await pair.client.abandon()
        await pair.hub.abandon()

        let client = try await pair.reopenClient()
        let hub = try await pair.reopenHub()
        // Reserved but never handed out: skipped, never reused.
        #expect(try await client.allocate(peer: "hub1", size: 32).0.encoded == "\(a.lowercased):1056:32")
        // The replay of the pre-crash message, and a sender merely behind, are both refused;
        // the error says where the window ends.
        await #expect(throws: PSRDError.belowReplayFloor(block: a, start: 0, size: 32, resumeAt: 1056)) {
            try await hub.take(peer: "client1", allocation: first)
        }
        await #expect(throws: PSRDError.belowReplayFloor(block: a, start: 32, size: 32, resumeAt: 1056)) {
            try await hub.take(peer: "client1", allocation: try range(a, 32, 32))
        }
        #expect(await hub.restartFloors(peer: "client1").map { "\($0.block.lowercased):\($0.offset)" } == ["\(a.lowercased):1056"])
        #expect(await client.restartFloors(peer: "hub1").isEmpty)  // own pools have no window
        _ = try await hub.take(peer: "client1", allocation: try range(a, 1056, 32))
        #expect(await client.unusedBytes(peer: "hub1", owner: .client) == 10_000 - 1088)
        #expect(await hub.unusedBytes(peer: "client1", owner: .client) == 10_000 - 1088)
    }

    @Test func aTakeNamingOneBlockOutOfOrderIsCoveredWholeByTheWindow() async throws {
        let pair = try await StorePair(sizes: [10_000], chunk: 64)
        let a = pair.blocks[0].0
        let high = try Fragment(blockUUID: a, start: 5000, size: 10)
        let low = try Fragment(blockUUID: a, start: 0, size: 10)
        _ = try await pair.hub.take(peer: "client1", allocation: try Allocation(fragments: [high, low]))
        await pair.hub.abandon()
        let hub = try await pair.reopenHub()
        await #expect(throws: PSRDError.belowReplayFloor(block: a, start: 5000, size: 10, resumeAt: 5074)) {
            try await hub.take(peer: "client1", allocation: try Allocation(fragments: [high]))
        }
    }

    @Test func marksArePersistedOncePerChunkNotPerKey() async throws {
        let pair = try await StorePair(sizes: [100_000], chunk: 1024)
        for _ in 0..<320 {
            let (allocation, _) = try await pair.client.allocate(peer: "hub1", size: 32)
            _ = try await pair.hub.take(peer: "client1", allocation: allocation)
        }
        // 10,240 bytes with marks 1,024 bytes ahead: persists at ends 32, 1088, 2144, ... 9536.
        #expect(await pair.client.statistics().markPersists == 10)
        #expect(await pair.hub.statistics().markPersists == 10)
    }

    /// A mark commit makes the erasures of its own block durable first (a seized disk shows at
    /// most a chunk of any block's used bytes), not those of every other block in use.
    @Test func aMarkSyncsTheErasuresOfItsOwnBlockOnly() async throws {
        let pair = try await StorePair(sizes: [4096, 4096], chunk: 1024)
        let (a, b) = (pair.blocks[0].0, pair.blocks[1].0)
        let hub = pair.hub
        _ = try await hub.take(peer: "client1", allocation: try range(a, 0, 32))      // mark of a; a dirty
        #expect(await hub.statistics().fileSyncs == 0)
        _ = try await hub.take(peer: "client1", allocation: try range(b, 0, 32))      // mark of b: a stays unsynced
        #expect(await hub.statistics().fileSyncs == 0)
        _ = try await hub.take(peer: "client1", allocation: try range(b, 2000, 32))   // mark of b again: b synced
        #expect(await hub.statistics().fileSyncs == 1)
        _ = try await hub.take(peer: "client1", allocation: try range(a, 3000, 32))   // mark of a: a synced
        #expect(await hub.statistics().fileSyncs == 2)
        #expect(await hub.statistics().markPersists == 4)
    }

    @Test func peekReadsWithoutUsing() async throws {
        let pair = try await StorePair(sizes: [100])
        let (allocation, bytes) = try await pair.client.allocate(peer: "hub1", size: 32)
        #expect(try await pair.hub.peek(peer: "client1", allocation: allocation) == bytes)
        #expect(try await pair.hub.peek(peer: "client1", allocation: allocation) == bytes)
        #expect(try await pair.hub.take(peer: "client1", allocation: allocation) == bytes)
        await #expect(throws: PSRDError.alreadyUsed(block: pair.blocks[0].0, start: 0, size: 32)) {
            try await pair.hub.peek(peer: "client1", allocation: allocation)
        }
    }

    @Test func skipMovesTheCursorForwardOnly() async throws {
        let pair = try await StorePair(sizes: [1000])
        let a = pair.blocks[0].0
        _ = try await pair.client.allocate(peer: "hub1", size: 32)
        try await pair.client.skip(peer: "hub1", block: a, to: 500)
        try await pair.client.skip(peer: "hub1", block: a, to: 100)
        #expect(try await pair.client.allocate(peer: "hub1", size: 32).0.encoded == "\(a.lowercased):500:32")
        // Skipped bytes are erased like used ones.
        #expect(Fixture.fileBytes(pair.filePath(hub: false, a))![0..<532].allSatisfy { $0 == 0 })
    }

    @Test func aSecondStoreOnTheSameDirectoryIsRefused() async throws {
        let directory = try TemporaryDirectory()
        let store = try await NodeStore(directory: directory.path, localRole: .client)
        await #expect(throws: StoreError.locked(directory: directory.path)) {
            _ = try await NodeStore(directory: directory.path, localRole: .client)
        }
        try await store.close()
        let again = try await NodeStore(directory: directory.path, localRole: .client)
        try await again.close()
    }

    @Test func aStoreOpensOnlyUnderTheRoleItWasCreatedFor() async throws {
        let directory = try TemporaryDirectory()
        try await NodeStore(directory: directory.path, localRole: .hub).close()
        await #expect(throws: StoreError.invalidArgument("this store belongs to a hub node; it cannot be opened as a client")) {
            _ = try await NodeStore(directory: directory.path, localRole: .client)
        }
    }

    @Test func aClosedStoreRefusesWork() async throws {
        let pair = try await StorePair(sizes: [100])
        try await pair.client.close()
        await #expect(throws: PSRDError.storage(StoreError.closed.description)) {
            try await pair.client.allocate(peer: "hub1", size: 8)
        }
        await #expect(throws: StoreError.closed) { try await pair.client.recordBundle(id: "x") }
    }

    @Test func filesAndDirectoriesAreOwnerOnly() async throws {
        let pair = try await StorePair(sizes: [100])
        let root = pair.clientDirectory.path + "/s"
        #expect(Fixture.mode(root) == 0o700)
        #expect(Fixture.mode(root + "/blocks") == 0o700)
        #expect(Fixture.mode(pair.filePath(hub: false, pair.blocks[0].0)) == 0o600)
    }

    @Test func strayFilesFromAnInterruptedAddAreWipedOnOpen() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/s"
        try await NodeStore(directory: path, localRole: .client).close()
        let half = Fixture.uuid(7), unregistered = Fixture.uuid(8)
        _ = FileManager.default.createFile(atPath: "\(path)/blocks/\(half.lowercased).psrd.tmp", contents: Data(Fixture.bytes(10)))
        _ = FileManager.default.createFile(atPath: "\(path)/blocks/\(unregistered.lowercased).psrd", contents: Data(Fixture.bytes(10)))
        let store = try await NodeStore(directory: path, localRole: .client)
        #expect(try FileManager.default.contentsOfDirectory(atPath: path + "/blocks").isEmpty)
        #expect(await store.levels().isEmpty)
        // Never committed, so not in the ledger: the block can still be added.
        try await store.addBlock(peer: "h", owner: .client, uuid: unregistered, bytes: Fixture.bytes(10))
        #expect(await store.unusedBytes(peer: "h", owner: .client) == 10)
    }

    /// `addBlock` writes its file off the store's thread, then commits: a refused add (a known
    /// UUID, a race between two adds of one UUID, a closed store) must leave no file behind, and
    /// a block's bytes are those of the add that won.
    @Test func refusedAddsLeaveNoFileAndRacingAddsOfOneBlockAdmitOne() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/s"
        let store = try await NodeStore(directory: path, localRole: .client)
        let known = Fixture.uuid(1), raced = Fixture.uuid(2)
        try await store.addBlock(peer: "h", owner: .client, uuid: known, bytes: Fixture.bytes(10))
        let candidates = [Fixture.bytes(32, seed: 5), Fixture.bytes(32, seed: 6)]
        let outcomes = await withTaskGroup(of: (Int, StoreError?).self) { group in
            for (index, bytes) in candidates.enumerated() {
                group.addTask {
                    do throws(StoreError) {
                        try await store.addBlock(peer: "h", owner: .hub, uuid: raced, bytes: bytes)
                        return (index, nil)
                    } catch { return (index, error) }
                }
            }
            group.addTask {
                do throws(StoreError) {
                    try await store.addBlock(peer: "h", owner: .client, uuid: known, bytes: Fixture.bytes(10, seed: 9))
                    return (2, nil)
                } catch { return (2, error) }
            }
            var outcomes: [Int: StoreError?] = [:]
            for await (index, error) in group { outcomes[index] = error }
            return outcomes
        }
        #expect(outcomes[2] == .some(.duplicateBlock(known)))
        let winners = (0..<2).filter { outcomes[$0] == .some(nil) }
        #expect(winners.count == 1)
        #expect((0..<2).filter { outcomes[$0] == .some(.duplicateBlock(raced)) }.count == 1)
        let racedBytes = try Allocation(fragments: [Fragment(blockUUID: raced, start: 0, size: 32)])
        #expect(try await store.peek(peer: "h", allocation: racedBytes) == candidates[winners[0]])
        #expect(try await store.allocate(peer: "h", size: 4).1 == Array(Fixture.bytes(10)[0..<4]))
        let listing = try FileManager.default.contentsOfDirectory(atPath: path + "/blocks")
        #expect(Set(listing)
                == ["\(known.lowercased).psrd", "\(raced.lowercased).psrd"], "\(listing)")

        try await store.close()
        await #expect(throws: StoreError.closed) {
            try await store.addBlock(peer: "h", owner: .client, uuid: Fixture.uuid(3), bytes: Fixture.bytes(10))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: path + "/blocks").count == 2)
    }
}
