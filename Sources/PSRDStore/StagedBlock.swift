import DSKECore
import Foundation

/// A block file an importer has written and synced, ready to be moved into the store.
public struct StagedBlock: Sendable, Hashable {
    public let peer: String
    public let owner: PoolOwner
    public let uuid: UUID
    /// Must be on the same file system as the store (see `NodeStore.stagingPath(for:)`).
    public let path: String

    public init(peer: String, owner: PoolOwner, uuid: UUID, path: String) {
        self.peer = peer
        self.owner = owner
        self.uuid = uuid
        self.path = path
    }
}
