@testable import DSKEClient
import DSKECore
import Foundation
import Synchronization
import Testing

/// Keys rebuilt by a dec_keys request that failed for another key stay at the slave's KME for a
/// retry by the same SAE, once, instead of being lost with their spent shares.
@Suite(.serialized) struct RecoveredKeysTests {
    static let clients: [TestNetwork.ClientSpec] = [.init(name: "carol", encryptors: ["sam"]),
                                                    .init(name: "cora", encryptors: ["sunny", "sven"])]

    private static func body(_ ids: [UUID]) -> String {
        #"{"key_IDs":["# + ids.map { #"{"key_ID":"\#($0.lowercased)"}"# }.joined(separator: ",") + "]}"
    }

    private static func decKeys(_ network: TestNetwork, caller: String, _ ids: [UUID]) async throws -> Reply {
        try await network.etsi(.POST, "cora", "sam/dec_keys", caller: caller, body: body(ids))
    }

    /// sam makes one key for sunny; sunny asks for it along with an unknown ID, which fails the
    /// request as a whole. Returns the key sam holds.
    private static func failedRequest(_ network: TestNetwork) async throws -> ETSIKey {
        let made = try await network.etsi(.POST, "carol", "sunny/enc_keys", caller: "sam", body: #"{"number":1}"#)
        #expect(made.status == 200, "\(made)")
        let key = try #require(try made.keys().keys.first)
        let failed = try await decKeys(network, caller: "sunny", [key.keyID, UUID()])
        #expect(failed.status == 400 && failed.message == ETSIErrorResponse.keysNotFound, "\(failed)")
        #expect(!failed.text.contains(key.keyID.lowercased), "only the unknown ID is named")
        return key
    }

    @Test func aRetryGetsTheKeyOfARequestThatFailedForAnother() async throws {
        try await TestNetwork.with(clients: Self.clients) { network in
            let key = try await Self.failedRequest(network)
            let retry = try await Self.decKeys(network, caller: "sunny", [key.keyID])
            #expect(retry.status == 200, "\(retry)")
            #expect(try retry.keys().keys == [key])
        }
    }

    @Test func anotherSAECannotTakeItNorUseItUp() async throws {
        try await TestNetwork.with(clients: Self.clients) { network in
            let key = try await Self.failedRequest(network)
            let sven = try await Self.decKeys(network, caller: "sven", [key.keyID])
            #expect(sven.status != 200 && sven.isETSIError, "\(sven)")
            #expect(!sven.text.contains(Data(key.key).base64EncodedString()), "\(sven)")
            let sunny = try await network.etsi(.GET, "cora", "sam/dec_keys?key_ID=\(key.keyID.lowercased)", caller: "sunny")
            #expect(sunny.status == 200, "\(sunny)")
            #expect(try sunny.keys().keys == [key])
        }
    }

    @Test func aHeldKeyIsDeliveredOnce() async throws {
        try await TestNetwork.with(clients: Self.clients) { network in
            let key = try await Self.failedRequest(network)
            let first = try await Self.decKeys(network, caller: "sunny", [key.keyID])
            #expect(first.status == 200, "\(first)")
            let second = try await Self.decKeys(network, caller: "sunny", [key.keyID])
            #expect(second.status == 400 && second.message == ETSIErrorResponse.keysNotFound, "\(second)")
        }
    }

    // MARK: The holder alone

    private final class Clock: Sendable {
        let instant = Mutex(ContinuousClock.now)
        func advance(_ by: Duration) { instant.withLock { $0 += by } }
    }

    @Test func heldKeysExpireAndTheOldestAreEvictedWiped() async throws {
        let clock = Clock()
        let holder = RecoveredKeys(expiry: .seconds(60), capacity: 2, now: { clock.instant.withLock { $0 } })
        let keys = (0..<3).map { _ in UserKey.random(size: 32) }
        let first = SecretBytes(keys[0].value)
        await holder.restore(master: "sam", slave: "sunny", [(keys[0].id, .init(secret: first, expiresAt: clock.instant.withLock { $0 } + .seconds(30)))])
        clock.advance(.seconds(1))
        await holder.keep(master: "sam", slave: "sunny", keys: [keys[1], keys[2]])
        // Capacity 2: the oldest (keys[0]) went, and its bytes with it.
        #expect(await holder.count == 2)
        #expect(first.withBytes { $0.isEmpty })
        // Another pair gets nothing and takes nothing.
        #expect(await holder.take(master: "sam", slave: "sven", keyIDs: keys.map(\.id)).isEmpty)
        #expect(await holder.count == 2)
        let taken = await holder.take(master: "sam", slave: "sunny", keyIDs: [keys[1].id])
        #expect(taken[keys[1].id]?.secret.withBytes { $0 } == keys[1].value)
        #expect(await holder.take(master: "sam", slave: "sunny", keyIDs: [keys[1].id]).isEmpty)
        let last = try #require(await holder.take(master: "sam", slave: "sunny", keyIDs: [keys[2].id])[keys[2].id])
        await holder.restore(master: "sam", slave: "sunny", [(keys[2].id, last)])
        clock.advance(.seconds(60))
        #expect(await holder.count == 0)
        #expect(last.secret.withBytes { $0.isEmpty })
    }
}
