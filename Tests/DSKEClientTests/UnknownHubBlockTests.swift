import DSKECore
import Foundation
import PSRDStore
import Testing

/// A hub can sign with a hub-owned block whose refill answer has not reached the client yet (the
/// hub stores a block before it answers, and a concurrent message may use it at once). The hub
/// has then stored the shares it signed for, so the client must not post them again: that was
/// the "share already held" (409) seen while a benchmark warmed up.
@Suite(.serialized) struct UnknownHubBlockTests {
    @Test func sharesAreNotPostedAgainAfterAnAnswerFromABlockTheClientLacks() async throws {
        try await TestNetwork.with { network in
            let hub = network.hubStore("holly")
            // Use up holly's own pool for carol, then give it a block carol never received.
            while (try? await hub.allocate(peer: "carol", size: min(InMemoryPool.defaultMaxRequest,
                                                                    max(1, await hub.unusedBytes(peer: "carol", owner: .hub))))) != nil {}
            #expect(await hub.unusedBytes(peer: "carol", owner: .hub) == 0)
            try await hub.addBlock(peer: "carol", owner: .hub, uuid: UUID(), bytes: SecureRandom.bytes(4096))
            // And then one both hold, which the hub uses once told to leave the first.
            let shared = UUID(), bytes = SecureRandom.bytes(4096)
            try await hub.addBlock(peer: "carol", owner: .hub, uuid: shared, bytes: bytes)
            try await network.clientStore("carol").addBlock(peer: "holly", owner: .hub, uuid: shared, bytes: bytes)

            let made = try await network.etsi(.GET, "carol", "sofia/enc_keys?number=3", caller: "sam")
            #expect(made.status == 200, "\(made)")
            let counters = try await network.hubStatus("holly")["counters"]
            guard case .object(let object)? = counters else { Issue.record("no counters"); return }
            // holly stored the three shares once and refused nothing.
            #expect(TestNetwork.int(object, "shares_posted") == 3)
            #expect(TestNetwork.int(object, "shares_refused") == 0)
            #expect(network.logs.contains("told it to leave the block"))
        }
    }
}
