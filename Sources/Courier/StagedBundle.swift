import Foundation
import PSRDStore

/// A bundle whose every chunk verified, its blocks written and synced as staging files in a
/// node's store directory, waiting to be adopted: by `NodeStore.adoptBlockFiles` for a stopped
/// node, or by a running node through its management API. Whoever does not adopt must `discard`.
public struct StagedBundle: Sendable {
    public let header: BundleHeader
    /// The peer, owner, UUID and staging path of each block, in header order.
    public let blocks: [StagedBlock]

    /// The bundle ID to adopt the blocks with (`adoptBlockFiles(_:bundleID:)`).
    public var bundleID: String { header.id }

    /// Adopts the blocks into `store` with the bundle ID, atomically; on failure (a replayed
    /// bundle ID, say) wipes the staging files and reports why.
    public func adopt(into store: NodeStore, source: String = "courier") async throws(BundleError) {
        do {
            try await store.adoptBlockFiles(blocks, bundleID: bundleID, source: source)
        } catch {
            discard()
            throw .store(error)
        }
    }

    /// Overwrites and deletes the staging files (those already adopted are gone: skipped).
    public func discard() {
        for block in blocks { try? FileIO.wipeAndUnlink(block.path) }
    }
}
