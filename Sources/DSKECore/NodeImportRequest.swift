/// Body of `POST /{role}/{name}/mgmt/v1/import` (loopback only): a running node adopts block
/// files that psrd-courier has verified and staged in the node's own store directory, as one
/// transaction with the bundle ID, and puts them to use at once.
/// `{"bundle_id": str, "blocks": [{"peer", "owner", "uuid", "path"}]}`.
///
/// Answers: 200 with a `NodeImportResponse` once the blocks are in the pools; 409 for a bundle or
/// block the node has seen; 400 for a bad body or a path that is not the node's staging path for
/// the block; 401 for a caller not on loopback; all errors as `ErrorResponse`. Shared by the node
/// (DSKEService) and psrd-courier, so the two cannot drift apart.
public struct NodeImportRequest: WireMessage, Hashable {
    public struct Block: Codable, Sendable, Hashable {
        public let peer: String
        /// `client` or `hub`: who allocates from the pool the block joins.
        public let owner: String
        /// Lowercase UUID text.
        public let uuid: String
        /// The staging file: `<node store directory>/blocks/<uuid>.incoming`.
        public let path: String

        public init(peer: String, owner: String, uuid: String, path: String) {
            self.peer = peer
            self.owner = owner
            self.uuid = uuid
            self.path = path
        }
    }

    public let bundleID: String
    public let blocks: [Block]

    public init(bundleID: String, blocks: [Block]) {
        self.bundleID = bundleID
        self.blocks = blocks
    }

    enum CodingKeys: String, CodingKey {
        case bundleID = "bundle_id"
        case blocks
    }

    /// The management path of a node.
    public static func path(role: PoolOwner, node: String) -> String { "/\(role.rawValue)/\(node)/mgmt/v1/import" }
}
