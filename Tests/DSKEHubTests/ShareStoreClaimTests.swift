import DSKECore
@testable import DSKEHub
import DSKEService
import Foundation
import Testing

/// A claim takes shares out one by one as it checks them: a refusal must leave the store exactly
/// as it was, every share still there for the client that may have it.
@Suite struct ShareStoreClaimTests {
    func share(slaveClient: String = "connie", slaveSAE: String = "sofia", value: [UInt8]) -> PendingShare {
        PendingShare.open(slaveClient: slaveClient, slaveSAE: slaveSAE, shareIndex: 1, value: value)
    }

    @Test func aRefusalLateInTheListPutsBackTheSharesTakenBeforeIt() async throws {
        let store = ShareStore(expiry: .seconds(60))
        let first = share(value: [1]), second = share(value: [2]), foreign = share(slaveClient: "curtis", value: [3])
        let otherSlave = share(slaveSAE: "sofia2", value: [4])
        try await store.add([first, second, foreign, otherSlave].map(\.batch))
        await #expect(throws: ServiceError.self) {
            _ = try await store.claim(keyIDs: [first.keyID, second.keyID, foreign.keyID], client: "connie", masterSAE: "sam", slaveSAE: "sofia")
        }
        await #expect(throws: ServiceError.self) {
            _ = try await store.claim(keyIDs: [first.keyID, otherSlave.keyID], client: "connie", masterSAE: "sam", slaveSAE: "sofia")
        }
        #expect(await store.counters.refused == 2)
        #expect(await store.counters.delivered == 0)
        let claimed = try await store.claim(keyIDs: [second.keyID, first.keyID], client: "connie", masterSAE: "sam", slaveSAE: "sofia")
        #expect(claimed.map(\.keyID) == [second.keyID, first.keyID])
        #expect(claimed.map { $0.withValue(Array.init) } == [[2], [1]])
        #expect(try await store.claim(keyIDs: [foreign.keyID], client: "curtis", masterSAE: "sam", slaveSAE: "sofia").count == 1)
        #expect(await store.pendingCount == 1)
    }
}
