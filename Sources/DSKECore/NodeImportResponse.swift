/// Answer of `POST /{role}/{name}/mgmt/v1/import`: what the running node adopted.
/// `{"result": "imported", "bundle_id": str, "blocks": int, "bytes": int}`.
public struct NodeImportResponse: WireMessage, Hashable {
    public let result: String
    public let bundleID: String
    public let blocks: Int
    public let bytes: Int

    public init(bundleID: String, blocks: Int, bytes: Int) {
        self.result = "imported"
        self.bundleID = bundleID
        self.blocks = blocks
        self.bytes = bytes
    }

    enum CodingKeys: String, CodingKey {
        case result
        case bundleID = "bundle_id"
        case blocks, bytes
    }
}
