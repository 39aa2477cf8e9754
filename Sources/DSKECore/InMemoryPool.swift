import Foundation

/// The two pools one node shares with one peer, held in memory only (tests, benchmarks, and
/// anything that must not touch a disk).
///
/// Blocks whose owner is `localRole` form the own pool (`allocate`); the others form the peer
/// pool (`take`). Used bytes are zeroed at once; used-up blocks are freed but their UUIDs are
/// remembered, so the same PSRD can never be added twice.
public final class InMemoryPool {
    public let localRole: PoolOwner
    public let peer: String
    /// Bound on one allocate or take.
    public let maxRequest: Int

    public static let defaultMaxRequest = 1 << 20

    private var own = OwnPoolState()
    private var peerPool = PeerPoolState()
    private var bytes: [UUID: BlockBytes] = [:]
    private var seen: Set<UUID> = []

    public init(localRole: PoolOwner, peer: String = "", maxRequest: Int = InMemoryPool.defaultMaxRequest) {
        self.localRole = localRole
        self.peer = peer
        self.maxRequest = maxRequest
    }

    /// Adds a block to the pool `owner` allocates from. Refuses a UUID this pool ever held.
    public func addBlock(uuid: UUID, owner: PoolOwner, bytes data: [UInt8]) throws(PSRDError) {
        guard !data.isEmpty else { throw .malformedAllocation("a PSRD block cannot be empty") }
        guard seen.insert(uuid).inserted else { throw .duplicateBlock(uuid) }
        bytes[uuid] = BlockBytes(data)
        if owner == localRole {
            own.add(OwnBlockState(uuid: uuid, size: data.count))
        } else {
            peerPool.add(PeerBlockState(uuid: uuid, size: data.count))
        }
    }

    /// Hands out `size` unused bytes of the own pool and the allocation that names them.
    public func allocate(size: Int) throws(PSRDError) -> (Allocation, [UInt8]) {
        guard size <= maxRequest else { throw .tooLarge(requested: size, limit: maxRequest) }
        let allocation = try own.plan(size: size)
        let data = consume(allocation)
        for block in own.commit(allocation) { bytes[block.uuid] = nil }
        return (allocation, data)
    }

    /// Takes the bytes the peer named, all fragments or none.
    public func take(_ allocation: Allocation) throws(PSRDError) -> [UInt8] {
        try peerPool.check(allocation, limit: maxRequest)
        let data = consume(allocation)
        for block in peerPool.commit(allocation) { bytes[block.uuid] = nil }
        return data
    }

    /// The bytes `take` would return, leaving them unused (to check a MAC before taking its key).
    public func peek(_ allocation: Allocation) throws(PSRDError) -> [UInt8] {
        try peerPool.check(allocation, limit: maxRequest)
        var data: [UInt8] = []
        for fragment in allocation.fragments {
            data += bytes[fragment.blockUUID]!.copy(fragment.start, fragment.size)
        }
        return data
    }

    /// Levels of the own pool, then the peer pool.
    public func levels() -> [PoolLevel] {
        [PoolLevel(peer: peer, owner: localRole, blocks: own.blocks.count,
                   totalBytes: own.totalBytes, unusedBytes: own.unusedBytes),
         PoolLevel(peer: peer, owner: localRole == .client ? .hub : .client, blocks: peerPool.blocks.count,
                   totalBytes: peerPool.totalBytes, unusedBytes: peerPool.unusedBytes)]
    }

    /// Copies the named bytes out and zeroes them in the block.
    private func consume(_ allocation: Allocation) -> [UInt8] {
        let fragments = allocation.fragments
        if fragments.count == 1, let block = bytes[fragments[0].blockUUID] {
            return block.consume(fragments[0].start, fragments[0].size)
        }
        var data: [UInt8] = []
        for fragment in fragments {
            data += bytes[fragment.blockUUID]!.consume(fragment.start, fragment.size)
        }
        return data
    }
}

/// One block's bytes, zeroed as they are used and wholly when freed.
private final class BlockBytes {
    private let buffer: UnsafeMutableRawBufferPointer

    init(_ data: [UInt8]) {
        buffer = .allocate(byteCount: data.count, alignment: 16)
        data.withUnsafeBytes { buffer.copyMemory(from: $0) }
    }

    deinit {
        buffer.initializeMemory(as: UInt8.self, repeating: 0)
        buffer.deallocate()
    }

    func copy(_ start: Int, _ size: Int) -> [UInt8] {
        Array(UnsafeRawBufferPointer(rebasing: buffer[start..<(start + size)]))
    }

    func consume(_ start: Int, _ size: Int) -> [UInt8] {
        let range = UnsafeMutableRawBufferPointer(rebasing: buffer[start..<(start + size)])
        let data = [UInt8](unsafeUninitializedCapacity: size) { out, count in
            out.baseAddress!.initialize(from: range.assumingMemoryBound(to: UInt8.self).baseAddress!, count: size)
            count = size
        }
        range.initializeMemory(as: UInt8.self, repeating: 0)
        return data
    }
}
