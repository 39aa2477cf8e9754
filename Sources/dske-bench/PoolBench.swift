import ArgumentParser
import DSKECore
import Foundation
import PSRDStore

/// Allocate-then-take pairs of 32-byte keys (the size of a MAC key): one pool allocates, a second
/// pool holding the same blocks takes the same allocation, as a client and a hub would.
struct PoolBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "pool", abstract: "Allocate-then-take pairs, in memory and durable.")

    @Option(help: "Pairs for the in-memory measurement.")
    var memoryPairs = 4_000_000

    @Option(help: "Pairs for the durable measurement.")
    var durablePairs = 1_000_000

    @Option(help: "Reserve chunk of the durable stores, in bytes.")
    var chunk = NodeStore.defaultReserveChunk

    @Option(help: "Directory for the durable stores (a fresh temporary one by default).")
    var directory: String?

    static let keySize = 32
    static let blockSize = 8 << 20

    func run() async throws {
        try measureMemory()
        try await measureDurable()
    }

    private static func blocks(for pairs: Int) -> [(UUID, [UInt8])] {
        let count = (pairs * keySize + blockSize - 1) / blockSize
        // Content does not matter for speed; a cheap pattern avoids minutes of RNG calls.
        return (0..<count).map { index in (UUID(), (0..<blockSize).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ index) }) }
    }

    private func measureMemory() throws {
        let client = InMemoryPool(localRole: .client)
        let hub = InMemoryPool(localRole: .hub)
        for (uuid, bytes) in Self.blocks(for: memoryPairs) {
            try client.addBlock(uuid: uuid, owner: .client, bytes: bytes)
            try hub.addBlock(uuid: uuid, owner: .client, bytes: bytes)
        }
        var mismatches = 0
        let clock = ContinuousClock()
        let elapsed = try clock.measure {
            for _ in 0..<memoryPairs {
                let (allocation, key) = try client.allocate(size: Self.keySize)
                if try hub.take(allocation) != key { mismatches += 1 }
            }
        }
        guard mismatches == 0 else { throw ValidationError("\(mismatches) in-memory pairs disagreed") }
        print("pool.memory.pairs: \(Self.rate(memoryPairs, elapsed)) pairs/s")
    }

    private func measureDurable() async throws {
        let root = directory ?? NSTemporaryDirectory() + "/dske-bench-pool-\(UUID().uuidString.prefix(8))"
        defer { if directory == nil { try? FileManager.default.removeItem(atPath: root) } }
        let client = try await NodeStore(directory: root + "/client", localRole: .client, reserveChunk: chunk)
        let hub = try await NodeStore(directory: root + "/hub", localRole: .hub, reserveChunk: chunk)
        for (uuid, bytes) in Self.blocks(for: durablePairs) {
            try await client.addBlock(peer: "hub", owner: .client, uuid: uuid, bytes: bytes, source: "bench")
            try await hub.addBlock(peer: "client", owner: .client, uuid: uuid, bytes: bytes, source: "bench")
        }
        let before = await [client.statistics(), hub.statistics()]
        var mismatches = 0
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0..<durablePairs {
            let (allocation, key) = try await client.allocate(peer: "hub", size: Self.keySize)
            if try await hub.take(peer: "client", allocation: allocation) != key { mismatches += 1 }
        }
        let elapsed = clock.now - start
        let after = await [client.statistics(), hub.statistics()]
        try await client.close()
        try await hub.close()
        guard mismatches == 0 else { throw ValidationError("\(mismatches) durable pairs disagreed") }

        let syncs = zip(before, after).reduce(0) { total, pair in
            total + (pair.1.databaseCommits - pair.0.databaseCommits) + (pair.1.fileSyncs - pair.0.fileSyncs)
        }
        let persists = zip(before, after).reduce(0) { $0 + $1.1.markPersists - $1.0.markPersists }
        print("pool.durable.pairs: \(Self.rate(durablePairs, elapsed)) pairs/s")
        print("pool.durable.syncs_per_1000_pairs: \(String(format: "%.2f", Double(syncs) * 1000 / Double(durablePairs))) syncs")
        print("pool.durable.mark_persists_per_1000_pairs: \(String(format: "%.2f", Double(persists) * 1000 / Double(durablePairs))) persists")
        print("pool.durable.reserve_chunk: \(chunk) bytes")
    }

    private static func rate(_ count: Int, _ elapsed: Duration) -> Int {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Int(Double(count) / seconds)
    }
}
