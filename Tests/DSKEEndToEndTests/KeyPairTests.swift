import Foundation
import Testing

/// Keys between encryptors through 5 hubs and 5 clients, over every path an encryptor can use.
@Suite("key pairs")
struct KeyPairTests {
    @Test("a key pair between every ordered pair of encryptors, including two on one KME")
    func everyPair() async throws {
        try await TestNetwork.with { network in
            var seen = Set<String>()
            for master in network.encryptors {
                for slave in network.encryptors where slave != master {
                    let keys = try await network.keyPair(master: master, slave: slave)
                    for key in keys { #expect(seen.insert(key.value).inserted, "a key was delivered twice") }
                }
            }
            #expect(seen.count == 20)
        }
    }

    @Test("sizes and batches: number=N keys of the asked size, all distinct, on both sides")
    func sizesAndBatches() async throws {
        try await TestNetwork.with { network in
            for size in [32, 128, 256, 1024, 8192] {
                try await network.keyPair(master: "sam", slave: "sofia", size: size)
            }
            let batch = try await network.keyPair(master: "sunny", slave: "serena", size: 256, number: 128)
            #expect(Set(batch.map(\.value)).count == 128)
            #expect(Set(batch.map(\.id)).count == 128)
        }
    }

    @Test("the standard root paths and POST bodies work as the prefixed GET paths do")
    func rootPathsAndPOST() async throws {
        try await TestNetwork.with { network in
            let enc = try await HTTP.post("\(network.origin("carol"))/api/v1/keys/sofia/enc_keys",
                                          json: #"{"number":3,"size":256}"#, headers: [("Authorization", "sam")])
            try #require(enc.status == 200, "\(enc)")
            let keys = try TestNetwork.keys(in: enc)
            #expect(keys.count == 3)
            let dec = try await network.getKeyWithIDs(master: "sam", slave: "sofia", ids: keys.map(\.id), rootPath: true)
            try #require(dec.status == 200, "\(dec)")
            #expect(Set(try TestNetwork.keys(in: dec).map(\.value)) == Set(keys.map(\.value)))

            let status = try await HTTP.get("\(network.origin("carol"))/api/v1/keys/sofia/status", headers: [("Authorization", "sam")])
            #expect(status.status == 200, "\(status)")
            let object = try #require(status.object)
            #expect(object["source_KME_ID"] as? String == "carol")
            #expect(object["target_KME_ID"] as? String == "connie")
            #expect(object["master_SAE_ID"] as? String == "sam")
            #expect(object["slave_SAE_ID"] as? String == "sofia")
            #expect((object["max_key_per_request"] as? Int ?? 0) >= 128)
        }
    }

    @Test("a delivered key is removed: asking for it again is an error, not the key")
    func deliveredOnce() async throws {
        try await TestNetwork.with { network in
            let keys = try await network.keyPair(master: "sam", slave: "sofia")
            let again = try await network.getKeyWithIDs(master: "sam", slave: "sofia", ids: keys.map(\.id))
            #expect(again.status >= 400 && again.status < 500, "\(again)")
            #expect(again.isJSONError)
            #expect(!again.text.contains(keys[0].value))
        }
    }

    @Test("dske get-key, get-key-with-ids and get-key-pair act as the encryptors do")
    func cliKeyCommands() async throws {
        try await TestNetwork.with { network in
            let get = try await network.dske(["get-key", "--master", "sam", "--slave", "sofia", "--size", "256", "--number", "2"])
            #expect(get.status == 0, "\(get)")
            let lines = get.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
            #expect(lines.count == 2)
            #expect(lines.allSatisfy { $0.count == 2 && Data(base64Encoded: $0[1])?.count == 32 })

            let fetch = try await network.dske(["get-key-with-ids", "--master", "sam", "--slave", "sofia"] + lines.map { $0[0] })
            #expect(fetch.status == 0, "\(fetch)")
            #expect(Set(fetch.stdout.split(separator: "\n")) == Set(get.stdout.split(separator: "\n")))

            let pair = try await network.dske(["get-key-pair", "--master", "sunny", "--slave", "susan", "--number", "4", "--json"])
            #expect(pair.status == 0, "\(pair)")
            let container = try #require(try JSONSerialization.jsonObject(with: Data(pair.stdout.utf8)) as? [String: Any])
            #expect((container["keys"] as? [Any])?.count == 4)
            #expect(pair.stderr.contains("match"))

            // The slave's KME refuses key IDs it never saw: exit 1, one line naming the KME.
            let unknown = try await network.dske(["get-key-with-ids", "--master", "sam", "--slave", "sofia", UUID().uuidString.lowercased()])
            #expect(unknown.status == 1, "\(unknown)")
            #expect(unknown.stderr.contains("connie"))
            #expect(unknown.stderr.split(separator: "\n").count == 1)
        }
    }
}
