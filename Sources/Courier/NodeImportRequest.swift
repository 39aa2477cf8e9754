import DSKECore
import Foundation
import PSRDStore

/// Body of `POST /{role}/{name}/mgmt/v1/import` (loopback only): a running node adopts block
/// files that psrd-courier has verified and staged in the node's store directory, as one
/// transaction with the bundle ID (`NodeStore.adoptBlockFiles(_:bundleID:)`), and puts them to
/// use at once. `{"bundle_id": str, "blocks": [{"peer", "owner", "uuid", "path"}]}`.
///
/// Expected answers: 200 with any JSON body once the blocks are in the pools; 409 for a bundle
/// or block the node has seen; 400 for a bad request; all errors as `ErrorResponse`.
public struct NodeImportRequest: WireMessage, Hashable {
    public struct Block: Codable, Sendable, Hashable {
        public let peer: String
        /// `client` or `hub`.
        public let owner: String
        public let uuid: String
        public let path: String

        public init(peer: String, owner: String, uuid: String, path: String) {
            self.peer = peer
            self.owner = owner
            self.uuid = uuid
            self.path = path
        }

        public init(_ staged: StagedBlock) {
            self.init(peer: staged.peer, owner: staged.owner.rawValue, uuid: staged.uuid.lowercased, path: staged.path)
        }

        /// The block as the store takes it; nil when a field is not valid.
        public var stagedBlock: StagedBlock? {
            guard let owner = PoolOwner(rawValue: owner), let uuid = UUID(uuidString: uuid) else { return nil }
            return StagedBlock(peer: peer, owner: owner, uuid: uuid, path: path)
        }
    }

    public let bundleID: String
    public let blocks: [Block]

    public init(bundleID: String, blocks: [Block]) {
        self.bundleID = bundleID
        self.blocks = blocks
    }

    public init(_ staged: StagedBundle) {
        self.init(bundleID: staged.bundleID, blocks: staged.blocks.map(Block.init))
    }

    enum CodingKeys: String, CodingKey {
        case bundleID = "bundle_id"
        case blocks
    }

    /// The management path of a node.
    public static func path(role: PoolOwner, node: String) -> String { "/\(role.rawValue)/\(node)/mgmt/v1/import" }
}
