import DSKECore
import Foundation
import Testing

/// What a KME hands out is random key material: never zeros, never the same key twice, whether
/// asked for one key or many.
@Suite(.serialized) struct KeyValueTests {
    @Test func keysAreRandomAloneAndInBatches() async throws {
        try await TestNetwork.with { network in
            var seen = Set<[UInt8]>()
            for query in ["", "?number=1", "?number=2", "?number=5&size=64", "?size=64"] {
                for _ in 0..<3 {
                    let made = try await network.etsi(.GET, "carol", "sofia/enc_keys\(query)", caller: "sam")
                    #expect(made.status == 200, "\(made)")
                    for key in try made.keys().keys {
                        #expect(key.key.contains { $0 != 0 }, "an all-zero key for \(query)")
                        #expect(seen.insert(key.key).inserted, "a key handed out twice for \(query)")
                    }
                }
            }
        }
    }
}
