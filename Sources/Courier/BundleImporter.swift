#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import DSKECore
import Foundation
import Logging
import PSRDStore

/// Opens a bundle for one node and stages its blocks in the node's store directory, verifying
/// everything on the way; the caller then adopts them (see `StagedBundle`). On any failure
/// nothing stays behind: every staging file written is wiped.
public struct BundleImporter: Sendable {
    public let node: String
    public let role: PoolOwner
    public let key: EnrolmentKey
    private let logger = Logger(label: "dske.courier.import")

    public init(node: String, role: PoolOwner, key: EnrolmentKey) {
        self.node = node
        self.role = role
        self.key = key
    }

    /// Stages into a store this process holds (a stopped node). Refuses, before decrypting
    /// anything, a bundle with a block the store has seen.
    public func stage(bundleAt path: String, into store: NodeStore, now: Date = Date()) async throws(BundleError) -> StagedBundle {
        let reader = try open(path, now: now)
        try await Self.refuseSeenBlocks(reader.header, in: store)
        return try stage(reader, paths: reader.header.blocks.map { store.stagingPath(for: $0.uuid) })
    }

    /// Throws `.replayedBlock` for the first block of `header` that `store` has seen before.
    static func refuseSeenBlocks(_ header: BundleHeader, in store: NodeStore) async throws(BundleError) {
        for block in header.blocks {
            let seen: Bool
            do {
                seen = try await store.hasSeenBlock(block.uuid)
            } catch {
                throw .store(error)
            }
            if seen { throw .replayedBlock(block.uuid) }
        }
    }

    /// Stages into the store directory of a running node (its `<data dir>/<node>`), for hand-over
    /// through the node's management API; the node refuses replayed blocks when it adopts.
    public func stage(bundleAt path: String, storeDirectory: String, now: Date = Date()) throws(BundleError) -> StagedBundle {
        let reader = try open(path, now: now)
        return try stage(reader, paths: reader.header.blocks.map { Self.stagingPath(storeDirectory: storeDirectory, uuid: $0.uuid) })
    }

    /// Where `NodeStore.stagingPath(for:)` puts a block of the store in `storeDirectory`.
    public static func stagingPath(storeDirectory: String, uuid: UUID) -> String {
        "\(storeDirectory)/blocks/\(uuid.lowercased).incoming"
    }

    private func open(_ path: String, now: Date) throws(BundleError) -> BundleReader {
        try BundleReader(path: path, key: key, recipient: BundleRecipient(name: node, role: role), now: now)
    }

    private func stage(_ reader: BundleReader, paths: [String]) throws(BundleError) -> StagedBundle {
        let header = reader.header
        let peer = role == .client ? header.pair.hub : header.pair.client
        var descriptors: [Int32] = []
        var current = -1
        func closeAll() {
            for fd in descriptors where fd >= 0 { close(fd) }
            descriptors = []
        }
        do throws(BundleError) {
            for path in paths {
                // O_TRUNC: a staging file left by an interrupted earlier attempt is overwritten.
                descriptors.append(try FileIO.openFile(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, mode: 0o600))
            }
            try reader.readPayload { (block: Int, bytes: UnsafeRawBufferPointer) throws(BundleError) in
                if block != current {
                    // The previous block is complete: make it durable now, while the next one streams.
                    if current >= 0 { try FileIO.sync(descriptors[current], path: paths[current]) }
                    current = block
                }
                try FileIO.writeAll(descriptors[block], bytes, path: paths[block], piece: NodeStore.blockWritePiece)
            }
            try FileIO.sync(descriptors[current], path: paths[current])
            closeAll()
            if let directory = paths.first.map({ URL(fileURLWithPath: $0).deletingLastPathComponent().path }) {
                try FileIO.syncDirectory(directory)
            }
        } catch {
            closeAll()
            for path in paths { try? FileIO.wipeAndUnlink(path) }
            throw error
        }
        logger.info("staged bundle \(header.id): \(header.blocks.count) block(s), \(header.payloadSize) bytes for \(role.rawValue) \(node)")
        return StagedBundle(header: header, blocks: zip(header.blocks, paths).map {
            StagedBlock(peer: peer, owner: $0.owner, uuid: $0.uuid, path: $1)
        })
    }
}
