#if canImport(Darwin)
import Darwin
#else
import Glibc
#endif
import DSKECore
import Foundation
import Logging

/// The durable PSRD pools of one node (client or hub), for all its peers.
///
/// Per peer the node has an own pool (blocks whose owner is `localRole`: this node allocates) and
/// a peer pool (the peer allocates and names the ranges, this node takes them). The rules that
/// make kill -9 at any instant safe (docs/store.md):
/// - an own byte is handed out only below a committed reserve mark, and after a restart the
///   cursor resumes at that mark;
/// - a peer byte is accepted only below a committed replay window mark, and after a restart
///   (without a clean close) everything below that mark counts as used.
/// Marks move a chunk ahead at a time, so the disk is touched once per chunk, not per key.
public actor NodeStore {
    public nonisolated let directory: String
    public nonisolated let localRole: PoolOwner
    /// How far ahead of the bytes in use a mark is persisted.
    public nonisolated let reserveChunk: Int
    /// Bound on one allocate or take.
    public nonisolated let maxRequest: Int

    public static let defaultReserveChunk = 64 * 1024

    /// The largest single write that puts bytes into a block file, whoever writes it: this store
    /// (`addBlock`), `psrd-courier import` and the bundle importer. Blocks are memory-mapped, and Linux maps a whole
    /// page-cache folio into the process on a fault. On the kernels we run (6.18, ext4) a folio
    /// made by one large write() can be 1 MiB, so the first pad of a fresh 2 MB block put 1 MiB
    /// of it in the node's resident set (a client under batch load: 8.7 MB over 10 blocks, 64.9
    /// MiB RSS against the 64 MiB budget). A write never makes a folio larger than itself:
    /// 16 KiB pieces keep a touch to 64-96 KiB (the 64 KiB fault-around), for a few more system
    /// calls per block, which is written once (a 1 GiB import ran no slower than with 64 KiB or
    /// 1 MiB writes, within `dske-bench courier`'s noise).
    public static let blockWritePiece = 16 * 1024

    private var database: StoreDatabase?
    private var lock: DirectoryLock?
    private var ownPools: [String: OwnPoolState] = [:]
    private var peerPools: [String: PeerPoolState] = [:]
    private var files: [UUID: BlockFile] = [:]
    private var stats = StoreStatistics()
    /// Per peer, the peer-owned blocks reopened after a crash with a replay window above 0.
    private var crashFloors: [String: [(block: UUID, offset: Int)]] = [:]
    private let logger = Logger(label: "dske.psrd-store")
    /// Syncs the erasures of mark commits off this actor's thread (an event loop in a node).
    private let erasures = ErasureSyncer(logger: Logger(label: "dske.psrd-store"))

    private nonisolated var blocksDirectory: String { directory + "/blocks" }
    private nonisolated func blockPath(_ uuid: UUID) -> String { "\(blocksDirectory)/\(uuid.lowercased).psrd" }

    /// Opens (creating if needed) the store in `directory`. Erases whatever a crash left
    /// unerased below the marks, deletes half-added and used-up block files, and takes an
    /// exclusive lock on the directory until `close()` or the end of the process.
    public init(directory: String, localRole: PoolOwner, reserveChunk: Int = NodeStore.defaultReserveChunk,
                maxRequest: Int = InMemoryPool.defaultMaxRequest) async throws(StoreError) {
        guard reserveChunk > 0, maxRequest > 0 else {
            throw .invalidArgument("reserve chunk and request bound must be positive")
        }
        self.directory = directory
        self.localRole = localRole
        self.reserveChunk = reserveChunk
        self.maxRequest = maxRequest
        Posix.largeBuffersStayOutOfTheHeap
        try load()
    }

    // MARK: Allocate and take

    /// Hands out `size` unused bytes of the pool this node owns with `peer`, and the allocation
    /// naming them (first-fit over the blocks in the order they were added).
    public func allocate(peer: String, size: Int) throws(PSRDError) -> (Allocation, [UInt8]) {
        guard let database else { throw StoreError.closed.asPSRDError }
        guard size <= maxRequest else { throw .tooLarge(requested: size, limit: maxRequest) }
        let allocation = try (ownPools[peer] ?? OwnPoolState()).plan(size: size)
        try persistMarks(covering: allocation, database)
        let bytes = consume(allocation)
        retire(ownPools[peer]!.commit(allocation).map(\.uuid), database)
        return (allocation, bytes)
    }

    /// Takes the bytes `peer` named in the pool it owns with this node: every fragment or none.
    /// Refuses ranges outside their block, already used, or below the replay window this node
    /// restarted with (`PSRDError.belowReplayFloor` tells a sender where to resume).
    public func take(peer: String, allocation: Allocation) throws(PSRDError) -> [UInt8] {
        guard let database else { throw StoreError.closed.asPSRDError }
        try (peerPools[peer] ?? PeerPoolState()).check(allocation, limit: maxRequest)
        try persistMarks(covering: allocation, database)
        let bytes = consume(allocation)
        retire(peerPools[peer]!.commit(allocation).map(\.uuid), database)
        return bytes
    }

    /// `take` for each allocation in turn, in one call: a batch answer names one pad per share,
    /// and each succeeds or fails on its own, exactly as separate `take`s would. A sender cuts a
    /// batch's pads one after the other, so they normally merge into a few ranges taken at once
    /// (one check, one copy); when the merged take is refused, nothing was used, and each is
    /// taken on its own to tell which one fails.
    public func take(peer: String, allocations: [Allocation]) -> [Result<[UInt8], PSRDError>] {
        if allocations.count > 1, let combined = Allocation.coalescing(allocations),
           let bytes = try? take(peer: peer, allocation: combined) {
            // Two or more pads, so each is a copy of part of `bytes`, never its buffer.
            defer { SecretBytes.wipe(bytes) }
            var offset = 0
            return allocations.map { allocation in
                let size = allocation.size
                defer { offset += size }
                return .success(Array(bytes[offset..<(offset + size)]))
            }
        }
        return allocations.map { allocation in Result { () throws(PSRDError) in try take(peer: peer, allocation: allocation) } }
    }

    /// Reads the bytes `peer` named, after the same checks as `take`, without using them up: a
    /// MAC key can be checked first and taken only if the tag is valid, so a forged signature
    /// burns no PSRD. The bytes stay unused until `take`.
    public func peek(peer: String, allocation: Allocation) throws(PSRDError) -> [UInt8] {
        guard database != nil else { throw StoreError.closed.asPSRDError }
        try (peerPools[peer] ?? PeerPoolState()).check(allocation, limit: maxRequest)
        return read(allocation, consuming: false)
    }

    /// Takes the bytes `peer` named only if `accept` approves them (a MAC key whose tag checks
    /// out): nil, with nothing used, when it does not. One call instead of `peek` then `take`,
    /// and nothing can take the bytes in between.
    public func take(peer: String, allocation: Allocation,
                     if accept: @Sendable ([UInt8]) -> Bool) throws(PSRDError) -> [UInt8]? {
        let peeked = try peek(peer: peer, allocation: allocation)
        defer { SecretBytes.wipe(peeked) }
        guard accept(peeked) else { return nil }
        return try take(peer: peer, allocation: allocation)
    }

    /// Moves the allocation cursor of an own block forward (never back), erasing the bytes
    /// skipped: for a sender told by `belowReplayFloor` that the receiver restarted further on.
    public func skip(peer: String, block: UUID, to offset: Int) throws(PSRDError) {
        guard let database else { throw StoreError.closed.asPSRDError }
        guard let state = ownPools[peer]?.block(block), let file = files[block] else { throw .unknownBlock(block) }
        let target = min(max(offset, 0), state.size)
        guard target > state.cursor else { return }
        file.erase(state.cursor..<target)
        retire(ownPools[peer]!.skip(block: block, to: target).map(\.uuid), database)
    }

    /// Commits the marks an allocation or take needs before its bytes may leave the store: a
    /// chunk beyond the end of every fragment that reaches past its block's persisted mark.
    /// The zeroed pages of earlier uses of those blocks are queued for a sync at the same time,
    /// so a block's erasure lags by at most one chunk plus the syncs in flight. Only those
    /// blocks: syncing every dirty block of every pool at each mark bounds nothing more.
    private func persistMarks(covering allocation: Allocation, _ database: StoreDatabase) throws(PSRDError) {
        var updates: [(UUID, Int)] = []
        for fragment in allocation.fragments {
            let file = files[fragment.blockUUID]!
            guard fragment.end > file.mark else { continue }
            let mark = min(file.size, fragment.end + reserveChunk)
            // A peer may name several ranges of one block in any order: keep the highest mark,
            // or a later, lower update would uncover an earlier fragment.
            if let i = updates.firstIndex(where: { $0.0 == file.uuid }) {
                updates[i].1 = max(updates[i].1, mark)
            } else {
                updates.append((file.uuid, mark))
            }
        }
        guard !updates.isEmpty else { return }
        // Queued, not awaited: the erasures bound disk residue, not reuse (see ErasureSyncer).
        for (uuid, _) in updates {
            guard let range = files[uuid]?.takeDirtyRange() else { continue }
            erasures.sync(files[uuid]!, range)
            stats.fileSyncs += 1
        }
        do {
            try database.setMarks(updates)
        } catch {
            logger.error("PSRD mark persist failed: \(error)")
            throw error.asPSRDError
        }
        for (uuid, mark) in updates { files[uuid]!.mark = mark }
        releaseUsedPages()
        stats.markPersists += 1
    }

    /// Unmaps, in every block, the pages below its used frontier (own: the cursor; peer: the
    /// floor): kept mapped, every byte a node ever used would stay in its resident set (10 pools
    /// of a client held about 40 MB of them).
    private func releaseUsedPages() {
        for pool in ownPools.values {
            for block in pool.blocks { files[block.uuid]?.releasePages(below: block.cursor) }
        }
        for pool in peerPools.values {
            for block in pool.blocks.values { files[block.uuid]?.releasePages(below: block.floor) }
        }
    }

    /// Copies the allocation's bytes out of the block files and zeroes them there.
    private func consume(_ allocation: Allocation) -> [UInt8] { read(allocation, consuming: true) }

    private func read(_ allocation: Allocation, consuming: Bool) -> [UInt8] {
        let fragments = allocation.fragments
        let total = fragments.reduce(0) { $0 + $1.size }  // bounded by maxRequest: checked
        return [UInt8](unsafeUninitializedCapacity: total) { buffer, count in
            var offset = 0
            for fragment in fragments {
                let file = files[fragment.blockUUID]!
                if consuming {
                    file.consume(fragment.start, fragment.size, into: buffer.baseAddress! + offset)
                } else {
                    file.copy(fragment.start, fragment.size, into: buffer.baseAddress! + offset)
                }
                offset += fragment.size
            }
            count = total
        }
    }

    /// Marks used-up blocks exhausted, then deletes their (all-zero) files. Failures are logged,
    /// not thrown: the bytes already handed out are covered by marks, and the next open finishes
    /// the job (a block whose mark equals its size is retired on open).
    private func retire(_ uuids: [UUID], _ database: StoreDatabase) {
        guard !uuids.isEmpty else { return }
        let retired = uuids.compactMap { files.removeValue(forKey: $0) }
        do {
            for file in retired {
                try file.sync()
                stats.fileSyncs += 1
            }
            try database.setMarks(retired.map { ($0.uuid, $0.size) }, exhausted: uuids)
            for file in retired where unlink(file.path) != 0 {
                logger.warning("could not delete used-up PSRD block file \(file.path): errno \(errno)")
            }
        } catch {
            logger.error("retiring used-up PSRD blocks failed (the next open retries): \(error)")
        }
    }

    /// Syncs every dirty block now, after the syncs already queued.
    private func syncErasures() throws(StoreError) {
        erasures.drain()
        for file in files.values where file.isDirty {
            try file.sync()
            stats.fileSyncs += 1
        }
    }

    // MARK: Adding blocks

    /// Adds a block to the pool `owner` allocates from in the pair with `peer`. Durable when it
    /// returns (file written and synced, row committed); a crash before the commit leaves no
    /// usable trace. Refuses a UUID this store ever held.
    ///
    /// The file is written and synced off the store's thread (`BlockWriter`): the store serves
    /// every message's pads meanwhile, instead of waiting behind a refill's disk writes. Only the
    /// rename, the directory sync and the commit run on it.
    public nonisolated func addBlock(peer: String, owner: PoolOwner, uuid: UUID, bytes: [UInt8],
                                     source: String = "api") async throws(StoreError) {
        guard !peer.isEmpty else { throw .invalidArgument("peer name is empty") }
        guard !bytes.isEmpty else { throw .invalidArgument("PSRD block \(uuid.lowercased) is empty") }
        // A name of its own: two adds of one UUID (a peer's mistake) never write one file.
        let temporary = "\(blocksDirectory)/\(uuid.lowercased).\(UInt64.random(in: 0...UInt64.max)).tmp"
        try await BlockWriter.write(temporary, bytes)
        try await installWritten(peer: peer, owner: owner, uuid: uuid, path: temporary, size: bytes.count, source: source)
    }

    /// Moves a block file `addBlock` wrote into place and commits its row; wipes the file when
    /// the block is refused (a UUID this store held, a closed store).
    private func installWritten(peer: String, owner: PoolOwner, uuid: UUID, path: String, size: Int,
                                source: String) throws(StoreError) {
        let database: StoreDatabase
        do throws(StoreError) {
            database = try openDatabase()
            guard try database.knownBlocks([uuid]).isEmpty else { throw .duplicateBlock(uuid) }
            try Posix.renameFile(path, blockPath(uuid))
        } catch {
            try? Posix.wipeAndUnlink(path)
            throw error
        }
        try Posix.syncDirectory(blocksDirectory)
        try install([(peer, owner, uuid, size)], bundleID: nil, source: source, database)
    }

    /// True when a block with this UUID is, or once was, in this store: an importer can refuse
    /// a known block before doing any work on it.
    public func hasSeenBlock(_ uuid: UUID) throws(StoreError) -> Bool {
        try !openDatabase().knownBlocks([uuid]).isEmpty
    }

    /// Where an importer should write a large block before `adoptBlockFile`: inside the store,
    /// so that the move is a rename. A staging file not adopted is wiped on the next open.
    public nonisolated func stagingPath(for uuid: UUID) -> String {
        "\(blocksDirectory)/\(uuid.lowercased).incoming"
    }

    /// Moves a block file written by an importer into the store (see `adoptBlockFiles`).
    public func adoptBlockFile(peer: String, owner: PoolOwner, uuid: UUID, path: String,
                               source: String = "import") throws(StoreError) {
        try adoptBlockFiles([StagedBlock(peer: peer, owner: owner, uuid: uuid, path: path)], bundleID: nil, source: source)
    }

    /// Moves block files into the store and, when `bundleID` is given, records the bundle, all in
    /// one transaction: either every block enters its pool and the bundle is recorded, or nothing
    /// does (and the moved files are wiped).
    public func adoptBlockFiles(_ staged: [StagedBlock], bundleID: String?, source: String = "import") throws(StoreError) {
        let database = try openDatabase()
        guard !staged.isEmpty else { throw .invalidArgument("no block files to adopt") }
        guard Set(staged.map(\.uuid)).count == staged.count else {
            throw .invalidArgument("the same block UUID appears twice in one import")
        }
        guard !staged.contains(where: { $0.peer.isEmpty }) else { throw .invalidArgument("peer name is empty") }
        if let known = try database.knownBlocks(staged.map(\.uuid)).first { throw .duplicateBlock(known) }
        var sizes: [Int] = []
        for block in staged {
            let size = try Posix.sealForAdoption(block.path)
            guard size > 0 else { throw .invalidArgument("block file \(block.path) is empty") }
            sizes.append(size)
        }
        var moved: [String] = []
        do {
            for block in staged {
                try Posix.renameFile(block.path, blockPath(block.uuid))
                moved.append(blockPath(block.uuid))
            }
            try Posix.syncDirectory(blocksDirectory)
        } catch {
            // Put back what was moved: the caller still owns its files after a failure.
            for (block, path) in zip(staged, moved) { try? Posix.renameFile(path, block.path) }
            throw error
        }
        try install(zip(staged, sizes).map { ($0.peer, $0.owner, $0.uuid, $1) }, bundleID: bundleID,
                    source: source, database)
    }

    /// Records a bundle ID; refuses one recorded before.
    public func recordBundle(id: String) throws(StoreError) {
        let database = try openDatabase()
        guard !id.isEmpty else { throw .invalidArgument("bundle ID is empty") }
        try database.recordBundle(id)
    }

    /// Commits rows for block files already in place, then maps them into their pools. On a
    /// refused commit the files are wiped: they never entered a pool.
    private func install(_ blocks: [(peer: String, owner: PoolOwner, uuid: UUID, size: Int)], bundleID: String?,
                         source: String, _ database: StoreDatabase) throws(StoreError) {
        let now = Date()
        let rows = blocks.map {
            BlockRow(id: nil, uuid: $0.uuid.lowercased, peer: $0.peer, owner: $0.owner.rawValue, size: $0.size,
                     mark: 0, taken: nil, state: .active, created: now, source: source)
        }
        do {
            try database.insert(rows, bundleID: bundleID)
        } catch {
            for block in blocks { try? Posix.wipeAndUnlink(blockPath(block.uuid)) }
            throw error
        }
        for block in blocks {
            files[block.uuid] = try BlockFile(uuid: block.uuid, path: blockPath(block.uuid), size: block.size, mark: 0)
            if block.owner == localRole {
                ownPools[block.peer, default: OwnPoolState()].add(OwnBlockState(uuid: block.uuid, size: block.size))
            } else {
                peerPools[block.peer, default: PeerPoolState()].add(PeerBlockState(uuid: block.uuid, size: block.size))
            }
        }
        logger.info("added \(blocks.count) PSRD block(s), \(blocks.reduce(0) { $0 + $1.size }) bytes")
    }

    // MARK: Levels

    /// Every pool with at least one block, sorted by peer then owner.
    public func levels() -> [PoolLevel] {
        let own = ownPools.map { peer, pool in
            PoolLevel(peer: peer, owner: localRole, blocks: pool.blocks.count,
                      totalBytes: pool.totalBytes, unusedBytes: pool.unusedBytes)
        }
        let taken = peerPools.map { peer, pool in
            PoolLevel(peer: peer, owner: peerRole, blocks: pool.blocks.count,
                      totalBytes: pool.totalBytes, unusedBytes: pool.unusedBytes)
        }
        return (own + taken).filter { $0.blocks > 0 }.sorted { ($0.peer, $0.owner.rawValue) < ($1.peer, $1.owner.rawValue) }
    }

    /// The peer-owned blocks this node reopened after a crash with a replay window, and where the
    /// window begins (blocks closed cleanly are absent): what a restarted node tells the peer so
    /// that it allocates beyond (the hub's `POST .../resume`).
    /// Includes blocks the window used up entirely (offset = size): the peer must skip those too.
    public func restartFloors(peer: String) -> [(block: UUID, offset: Int)] {
        crashFloors[peer] ?? []
    }

    /// Both pools of the pair with `peer` at once (one call on the request path instead of two).
    public func unusedBytes(peer: String) -> (own: Int, peer: Int) {
        (ownPools[peer]?.unusedBytes ?? 0, peerPools[peer]?.unusedBytes ?? 0)
    }

    public func unusedBytes(peer: String, owner: PoolOwner) -> Int {
        owner == localRole ? ownPools[peer]?.unusedBytes ?? 0 : peerPools[peer]?.unusedBytes ?? 0
    }

    public func statistics() -> StoreStatistics {
        var result = stats
        result.databaseCommits = database?.commits ?? stats.databaseCommits
        return result
    }

    private nonisolated var peerRole: PoolOwner { localRole == .client ? .hub : .client }

    // MARK: Open and close

    private func openDatabase() throws(StoreError) -> StoreDatabase {
        guard let database else { throw .closed }
        return database
    }

    private func load() throws(StoreError) {
        try Posix.makeDirectory(directory)
        try Posix.makeDirectory(blocksDirectory)
        let lock = try DirectoryLock(directory: directory)
        let database = try StoreDatabase(path: directory + "/store.sqlite")
        try database.claimRole(localRole)
        let active = try database.blocks(state: .active)

        // Files without an active row: half-added blocks, unadopted staging files, used-up
        // blocks whose deletion a crash interrupted. None of them is (or will be) in a pool.
        let expected = Set(active.map { "\($0.uuid).psrd" })
        var wiped = 0
        for name in try Posix.listDirectory(blocksDirectory) where !expected.contains(name) {
            try Posix.wipeAndUnlink("\(blocksDirectory)/\(name)")
            wiped += 1
        }

        var marks: [(UUID, Int)] = []
        var usedUp: [BlockFile] = []
        for row in active {
            guard let uuid = row.blockUUID, uuid.lowercased == row.uuid, let owner = row.poolOwner,
                  row.mark >= 0, row.mark <= row.size
            else { throw .corrupt("block row \(row.uuid.prefix(40)) has an invalid UUID, owner or mark") }
            let file = try BlockFile(uuid: uuid, path: blockPath(uuid), size: row.size, mark: row.mark)
            if owner == localRole {
                // Resume at the mark: bytes reserved but not handed out before a crash are skipped.
                let state = OwnBlockState(uuid: uuid, size: row.size, cursor: row.mark)
                file.erase(0..<state.cursor)
                if state.isFullyUsed { usedUp.append(file); continue }
                ownPools[row.peer, default: OwnPoolState()].add(state)
            } else {
                let state: PeerBlockState
                if let taken = row.taken {
                    // Clean close: the exact state. Widen the persisted window to cover it, so a
                    // crash in this run keeps every range taken so far refused.
                    guard let set = IntervalSet(encoded: taken), (set.upperBound ?? 0) <= row.size else {
                        throw .corrupt("block \(row.uuid) has malformed taken ranges")
                    }
                    state = PeerBlockState(uuid: uuid, size: row.size, floor: row.mark, taken: set)
                    marks.append((uuid, state.highWater))
                    file.mark = state.highWater
                    for range in state.taken.ranges { file.erase(range) }
                } else {
                    // After a crash: everything below the replay window counts as used.
                    state = PeerBlockState(uuid: uuid, size: row.size, floor: row.mark, restartFloor: row.mark)
                    if row.mark > 0 { crashFloors[row.peer, default: []].append((uuid, row.mark)) }
                }
                file.erase(0..<state.floor)
                peerPools[row.peer, default: PeerPoolState()].add(state)
                if state.isFullyUsed { usedUp.append(file); continue }
            }
            files[uuid] = file
        }
        for row in try database.blocks(state: .exhausted) where row.owner != localRole.rawValue {
            if let uuid = row.blockUUID { peerPools[row.peer, default: PeerPoolState()].addRetired(uuid, size: row.size) }
        }

        for file in Array(files.values) + usedUp where file.isDirty { try file.sync() }
        try database.setMarks(marks + usedUp.map { ($0.uuid, $0.size) }, exhausted: usedUp.map(\.uuid))
        for file in usedUp where unlink(file.path) != 0 && errno != ENOENT {
            throw Posix.fail("unlink", file.path)
        }
        self.database = database
        self.lock = lock
        logger.info("opened PSRD store \(directory): \(files.count) block(s), \(usedUp.count) used up, \(wiped) stray file(s) wiped")
    }

    /// Persists the exact state (own cursors, peer floors and taken ranges), so a clean restart
    /// skips nothing, then releases the files, the database and the directory lock. Without a
    /// close (a crash) the next open uses the marks instead, losing at most a chunk per block.
    public func close() throws(StoreError) {
        guard let database else { return }
        defer {
            // Even after a failure below the store is closed: the marks on disk are always a
            // safe state to reopen from.
            self.database = nil
            files = [:]
            ownPools = [:]
            peerPools = [:]
            crashFloors = [:]
            lock = nil
        }
        do throws(StoreError) {
            try syncErasures()
            let own = ownPools.values.flatMap(\.blocks).map { ($0.uuid, $0.cursor) }
            let peer = peerPools.values.flatMap(\.blocks.values).map { ($0.uuid, $0.floor, $0.taken.encoded) }
            try database.setCleanState(own: own, peer: peer)
        } catch {
            try? database.close()
            throw error
        }
        try database.close()
    }

    /// Lets go of everything without writing the clean-close state: the store as kill -9 leaves
    /// it (with page-cache writes intact). For tests.
    func abandon() {
        try? database?.close()
        database = nil
        files = [:]
        ownPools = [:]
        peerPools = [:]
        crashFloors = [:]
        lock = nil
    }
}
