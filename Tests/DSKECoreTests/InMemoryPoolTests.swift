import Foundation
import Testing
@testable import DSKECore

@Suite struct InMemoryPoolTests {
    let blockA = UUID(uuidString: "00000000-0000-4000-8000-00000000000a")!
    let blockB = UUID(uuidString: "00000000-0000-4000-8000-00000000000b")!

    static func bytes(_ count: Int, seed: UInt8) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ Int(seed)) | 1 }  // never zero
    }

    /// A client that allocates and a hub that takes, holding the same client-owned blocks.
    func pair(sizes: [Int]) throws -> (client: InMemoryPool, hub: InMemoryPool, data: [UUID: [UInt8]]) {
        let client = InMemoryPool(localRole: .client, peer: "hub1")
        let hub = InMemoryPool(localRole: .hub, peer: "client1")
        var data: [UUID: [UInt8]] = [:]
        for (i, size) in sizes.enumerated() {
            let uuid = [blockA, blockB][i]
            data[uuid] = Self.bytes(size, seed: UInt8(i))
            try client.addBlock(uuid: uuid, owner: .client, bytes: data[uuid]!)
            try hub.addBlock(uuid: uuid, owner: .client, bytes: data[uuid]!)
        }
        return (client, hub, data)
    }

    @Test func allocationIsSequentialAndTheTakerGetsTheSameBytes() throws {
        let (client, hub, data) = try pair(sizes: [100])
        let (first, firstBytes) = try client.allocate(size: 32)
        let (second, secondBytes) = try client.allocate(size: 32)
        #expect(first.encoded == "\(blockA.lowercased):0:32")
        #expect(second.encoded == "\(blockA.lowercased):32:32")
        #expect(firstBytes == Array(data[blockA]![0..<32]))
        #expect(try hub.take(second) == secondBytes)
        #expect(try hub.take(first) == firstBytes)   // out of order is fine for the taker
    }

    @Test func anAllocationSpansBlocksInOrder() throws {
        let (client, hub, data) = try pair(sizes: [40, 100])
        _ = try client.allocate(size: 30)
        let (spanning, bytes) = try client.allocate(size: 32)
        #expect(spanning.fragments.map(\.encoded) == ["\(blockA.lowercased):30:10", "\(blockB.lowercased):0:22"])
        #expect(bytes == Array(data[blockA]![30..<40]) + Array(data[blockB]![0..<22]))
        #expect(try hub.take(spanning) == bytes)
        // Block A is used up on the owner side and dropped; B remains.
        #expect(client.levels()[0] == PoolLevel(peer: "hub1", owner: .client, blocks: 1, totalBytes: 100, unusedBytes: 78))
    }

    @Test func exhaustionIsReportedWithoutConsumingAnything() throws {
        let (client, _, _) = try pair(sizes: [40])
        #expect(throws: PSRDError.exhausted(requested: 41, available: 40)) { try client.allocate(size: 41) }
        let (whole, _) = try client.allocate(size: 40)
        #expect(whole.size == 40)
        #expect(throws: PSRDError.exhausted(requested: 1, available: 0)) { try client.allocate(size: 1) }
    }

    @Test func requestsAboveTheBoundAreRefused() throws {
        let client = InMemoryPool(localRole: .client, maxRequest: 64)
        try client.addBlock(uuid: blockA, owner: .client, bytes: Self.bytes(1000, seed: 1))
        #expect(throws: PSRDError.tooLarge(requested: 65, limit: 64)) { try client.allocate(size: 65) }
        let hub = InMemoryPool(localRole: .hub, maxRequest: 64)
        try hub.addBlock(uuid: blockA, owner: .client, bytes: Self.bytes(1000, seed: 1))
        let big = try Allocation(fragments: [Fragment(blockUUID: blockA, start: 0, size: 100)])
        #expect(throws: PSRDError.tooLarge(requested: 100, limit: 64)) { try hub.take(big) }
    }

    @Test func hostileFragmentSizesAreBoundedBeforeAnyBlockIsLookedAt() throws {
        let hub = InMemoryPool(localRole: .hub)
        try hub.addBlock(uuid: blockA, owner: .client, bytes: Self.bytes(100, seed: 1))
        let huge = Int.max / 4
        let allocation = try Allocation(fragments: [
            Fragment(blockUUID: blockA, start: 0, size: huge),
            Fragment(blockUUID: blockB, start: 0, size: huge),
        ])
        #expect(throws: PSRDError.tooLarge(requested: 2 * huge, limit: InMemoryPool.defaultMaxRequest)) {
            try hub.take(allocation)
        }
    }

    @Test func takeRefusesOutOfRangeOverlapAndUsedRanges() throws {
        let (_, hub, _) = try pair(sizes: [100])
        func alloc(_ start: Int, _ size: Int) throws -> Allocation {
            try Allocation(fragments: [Fragment(blockUUID: blockA, start: start, size: size)])
        }
        #expect(throws: PSRDError.outOfBlockRange(block: blockA, start: 90, size: 11, blockSize: 100)) {
            try hub.take(try alloc(90, 11))
        }
        _ = try hub.take(try alloc(20, 10))
        #expect(throws: PSRDError.alreadyUsed(block: blockA, start: 20, size: 10)) { try hub.take(try alloc(20, 10)) }
        #expect(throws: PSRDError.alreadyUsed(block: blockA, start: 15, size: 6)) { try hub.take(try alloc(15, 6)) }
        #expect(throws: PSRDError.alreadyUsed(block: blockA, start: 29, size: 5)) { try hub.take(try alloc(29, 5)) }
        _ = try hub.take(try alloc(0, 20))      // the gaps around a taken range stay usable
        _ = try hub.take(try alloc(30, 70))
        #expect(hub.levels()[1].unusedBytes == 0)
        #expect(throws: PSRDError.alreadyUsed(block: blockA, start: 0, size: 1)) { try hub.take(try alloc(0, 1)) }
        let stranger = UUID()
        #expect(throws: PSRDError.unknownBlock(stranger)) {
            try hub.take(try Allocation(fragments: [Fragment(blockUUID: stranger, start: 0, size: 1)]))
        }
    }

    @Test func aTakeWithOneBadFragmentTakesNothing() throws {
        let (_, hub, data) = try pair(sizes: [100, 100])
        _ = try hub.take(try Allocation(fragments: [Fragment(blockUUID: blockB, start: 50, size: 10)]))
        let mixed = try Allocation(fragments: [
            Fragment(blockUUID: blockA, start: 0, size: 32),
            Fragment(blockUUID: blockB, start: 55, size: 10),
        ])
        #expect(throws: PSRDError.alreadyUsed(block: blockB, start: 55, size: 10)) { try hub.take(mixed) }
        // Block A's range was not burnt by the refused take.
        let good = try Allocation(fragments: [Fragment(blockUUID: blockA, start: 0, size: 32)])
        #expect(try hub.take(good) == Array(data[blockA]![0..<32]))
    }

    @Test func peekReadsWithoutUsingUp() throws {
        let (client, hub, _) = try pair(sizes: [100])
        let (allocation, bytes) = try client.allocate(size: 32)
        #expect(try hub.peek(allocation) == bytes)
        #expect(try hub.take(allocation) == bytes)
        #expect(throws: PSRDError.alreadyUsed(block: blockA, start: 0, size: 32)) { try hub.peek(allocation) }
    }

    @Test func theOwnerCannotTakeAndTheTakerCannotAllocate() throws {
        let (client, hub, _) = try pair(sizes: [100])
        let (allocation, _) = try client.allocate(size: 8)
        // The client's own block is not in its peer pool: a peer naming it is refused.
        #expect(throws: PSRDError.unknownBlock(blockA)) { try client.take(allocation) }
        #expect(throws: PSRDError.exhausted(requested: 8, available: 0)) { try hub.allocate(size: 8) }
    }

    @Test func duplicateBlocksAreRefusedEvenAfterTheyWereUsedUp() throws {
        let (client, hub, data) = try pair(sizes: [32])
        #expect(throws: PSRDError.duplicateBlock(blockA)) {
            try client.addBlock(uuid: blockA, owner: .client, bytes: data[blockA]!)
        }
        let (allocation, _) = try client.allocate(size: 32)
        _ = try hub.take(allocation)
        #expect(client.levels()[0].blocks == 0 && hub.levels()[1].blocks == 0)
        #expect(throws: PSRDError.duplicateBlock(blockA)) {
            try client.addBlock(uuid: blockA, owner: .client, bytes: data[blockA]!)
        }
        #expect(throws: PSRDError.duplicateBlock(blockA)) {
            try hub.addBlock(uuid: blockA, owner: .hub, bytes: data[blockA]!)
        }
        // A replay into a used-up block is "already used", not "unknown".
        #expect(throws: PSRDError.alreadyUsed(block: blockA, start: 0, size: 32)) { try hub.take(allocation) }
    }

    @Test func levelsCountBothPools() throws {
        let client = InMemoryPool(localRole: .client, peer: "hank")
        try client.addBlock(uuid: blockA, owner: .client, bytes: Self.bytes(100, seed: 1))
        try client.addBlock(uuid: blockB, owner: .hub, bytes: Self.bytes(50, seed: 2))
        _ = try client.allocate(size: 30)
        _ = try client.take(try Allocation(fragments: [Fragment(blockUUID: blockB, start: 10, size: 5)]))
        #expect(client.levels() == [
            PoolLevel(peer: "hank", owner: .client, blocks: 1, totalBytes: 100, unusedBytes: 70),
            PoolLevel(peer: "hank", owner: .hub, blocks: 1, totalBytes: 50, unusedBytes: 45),
        ])
    }

    @Test func restartFloorsTellASenderWhereToResume() throws {
        var pool = PeerPoolState()
        pool.add(PeerBlockState(uuid: blockA, size: 100, floor: 64, restartFloor: 64))
        pool.add(PeerBlockState(uuid: blockB, size: 100, floor: 100, restartFloor: 100))
        let behind = try Allocation(fragments: [Fragment(blockUUID: blockA, start: 32, size: 32)])
        #expect(throws: PSRDError.belowReplayFloor(block: blockA, start: 32, size: 32, resumeAt: 64)) {
            try pool.check(behind, limit: 1000)
        }
        let usedUp = try Allocation(fragments: [Fragment(blockUUID: blockB, start: 0, size: 8)])
        #expect(throws: PSRDError.belowReplayFloor(block: blockB, start: 0, size: 8, resumeAt: 100)) {
            try pool.check(usedUp, limit: 1000)
        }
        let ahead = try Allocation(fragments: [Fragment(blockUUID: blockA, start: 64, size: 32)])
        try pool.check(ahead, limit: 1000)
        pool.commit(ahead)
        #expect(pool.unusedBytes == 4)

        var own = OwnPoolState()
        own.add(OwnBlockState(uuid: blockA, size: 100, cursor: 10))
        own.skip(block: blockA, to: 64)
        own.skip(block: blockA, to: 20)   // never backwards
        #expect(try own.plan(size: 8).encoded == "\(blockA.lowercased):64:8")
    }
}
