import DSKECore
import Foundation
import GRDB

/// One row of the `block` table: the metadata of a block file.
///
/// `mark` means, for an own block, "nothing at or above it was handed out" (the reserve mark)
/// and, for a peer block, "nothing at or above it was accepted" (the replay window). After a
/// crash everything below it counts as used. `taken` is set only by a clean close of a peer
/// block: then `mark` is the exact floor and `taken` the exact ranges above it, so a clean restart
/// wastes nothing.
struct BlockRow: Codable, FetchableRecord, PersistableRecord, Sendable {
    static let databaseTableName = "block"

    enum State: String, Codable, Sendable {
        case active
        case exhausted
    }

    var id: Int64?
    var uuid: String
    var peer: String
    var owner: String
    var size: Int
    var mark: Int
    var taken: String?
    var state: State
    var created: Date
    var source: String

    var blockUUID: UUID? { UUID(uuidString: uuid) }
    var poolOwner: PoolOwner? { PoolOwner(rawValue: owner) }
}
