import Foundation
@testable import DSKEHub

extension PendingShare {
    /// A share alone, its value already open: a batch of one, opened with a zero pad through the
    /// real initialiser. For the share store's tests; the value must not be empty.
    static func open(_ keyID: UUID = UUID(), slaveClient: String = "connie", slaveSAE: String = "sofia",
                     shareIndex: Int, value: [UInt8]) -> PendingShare {
        PendingBatch(keyIDs: [keyID], masterClient: "carol", masterSAE: "sam", slaveSAE: slaveSAE, slaveClient: slaveClient,
                     shareIndex: shareIndex, encrypted: value, pad: [UInt8](repeating: 0, count: value.count))!.shares[0]
    }
}
