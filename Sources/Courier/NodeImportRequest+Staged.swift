import DSKECore
import PSRDStore

/// psrd-courier's side of the import route: a staged bundle as the request that hands it over.
extension NodeImportRequest {
    public init(_ staged: StagedBundle) {
        self.init(bundleID: staged.bundleID, blocks: staged.blocks.map(Block.init))
    }
}

extension NodeImportRequest.Block {
    public init(_ staged: StagedBlock) {
        self.init(peer: staged.peer, owner: staged.owner.rawValue, uuid: staged.uuid.lowercased, path: staged.path)
    }
}
