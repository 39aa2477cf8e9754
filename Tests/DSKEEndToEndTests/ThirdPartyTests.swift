import DSKECore
import Foundation
import Testing

/// A client that is neither side of a key cannot obtain it: not through its own KME's ETSI
/// interface, and not from the hubs directly even with valid PSRD of its own (the reference
/// hands any registered client any share).
@Suite("third parties")
struct ThirdPartyTests {
    @Test("other encryptors and KMEs get nothing of a sam->sofia key; sofia still gets it after")
    func throughKMEs() async throws {
        try await TestNetwork.with { network in
            let made = try await network.getKey(master: "sam", slave: "sofia")
            try #require(made.status == 200, "\(made)")
            let key = try TestNetwork.keys(in: made)[0]

            let attempts: [(caller: String, kme: String)] = [
                ("serena", "celia"),   // a third encryptor at its own KME
                ("sunny", "curtis"),
                ("serena", "connie"),  // a third encryptor at the slave's KME
                ("sofia", "celia"),    // the right slave at the wrong KME
                ("sam", "connie"),     // the master itself, at the slave's KME
                ("sam", "carol"),      // the master, at its own KME
            ]
            for attempt in attempts {
                let reply = try await network.getKeyWithIDs(master: "sam", slave: "sofia", ids: [key.id],
                                                            caller: attempt.caller, kme: attempt.kme)
                #expect(reply.status == 401 || reply.status == 400 || reply.status == 404, "\(attempt): \(reply)")
                #expect(reply.isJSONError, "\(attempt): \(reply)")
                #expect(!reply.text.contains(key.value), "\(attempt) obtained the key")
            }
            // The slave SAE must be the one named at Get key: 401 with a JSON body at its own KME
            // for another SAE of a two-SAE KME.
            let pair = try TestNetwork.keys(in: try await network.getKey(master: "sam", slave: "sunny"))[0]
            let wrongSAE = try await network.getKeyWithIDs(master: "sam", slave: "sunny", ids: [pair.id], caller: "susan", kme: "curtis")
            #expect(wrongSAE.status == 401, "\(wrongSAE)")
            #expect(wrongSAE.isJSONError)

            // None of that consumed the key or its shares.
            let rightful = try await network.getKeyWithIDs(master: "sam", slave: "sofia", ids: [key.id])
            try #require(rightful.status == 200, "\(rightful)")
            #expect(try TestNetwork.keys(in: rightful) == [key])
            let sunny = try await network.getKeyWithIDs(master: "sam", slave: "sunny", ids: [pair.id])
            #expect(sunny.status == 200, "\(sunny)")
        }
    }

    @Test("a registered client with valid PSRD cannot fetch another pair's shares from the hubs")
    func directlyFromHubs() async throws {
        try await TestNetwork.with { network in
            // The test plays cindy, a configured client with no encryptors: it registers over the
            // out-of-band interface and obtains PSRD of its own, as any registered client can.
            try await network.stop(node: "cindy")
            let made = try await network.getKey(master: "sam", slave: "sofia", number: 2)
            try #require(made.status == 200, "\(made)")
            let keys = try TestNetwork.keys(in: made)

            for hub in network.spec.hubs {
                let cindy = try await RogueClient.register(name: "cindy", at: network.baseURL(hub))

                // The control: a validly signed request for a key that does not exist is "not
                // found", so the signatures below are accepted as cindy's.
                let control = try await cindy.getShare(masterSAE: "sam", slaveSAE: "sofia", keyID: UUID().uuidString.lowercased(), asClient: "cindy")
                #expect(control.status == 404, "\(hub) control: \(control)")

                for key in keys {
                    for slave in ["sofia", "serena"] {
                        let reply = try await cindy.getShare(masterSAE: "sam", slaveSAE: slave, keyID: key.id, asClient: "cindy")
                        #expect(reply.status != 200 && reply.status < 500, "\(hub) handed cindy a share: \(reply)")
                        #expect(reply.isJSONError, "\(hub): \(reply)")
                        #expect(reply.header("DSKE-Signature") == nil, "\(hub) signed an error answer")
                    }
                    // Posing as connie with cindy's PSRD: the signature cannot check out.
                    let posing = try await cindy.getShare(masterSAE: "sam", slaveSAE: "sofia", keyID: key.id, asClient: "connie")
                    #expect(posing.status == 401, "\(hub) posing: \(posing)")
                    let batch = try await cindy.fetchShares(masterSAE: "sam", slaveSAE: "sofia", keyIDs: keys.map(\.id))
                    #expect(batch.status != 200 || !batch.text.contains("share_index"), "\(hub) batch fetch: \(batch)")
                }
            }
            // The rightful slave still gets both keys.
            let rightful = try await network.getKeyWithIDs(master: "sam", slave: "sofia", ids: keys.map(\.id))
            try #require(rightful.status == 200, "\(rightful)")
            #expect(Set(try TestNetwork.keys(in: rightful).map(\.value)) == Set(keys.map(\.value)))
        }
    }
}

/// A client played by the test: registered over the out-of-band interface, holding the PSRD
/// block it was given, signing requests as a client does (HMAC-SHA256 from its own pool).
struct RogueClient {
    let name: String
    let hubURL: String
    let blockUUID: UUID
    let block: [UInt8]
    private let next = Counter()

    final class Counter: @unchecked Sendable {
        private var value = 0
        private let lock = NSLock()
        func take(_ size: Int) -> Int { lock.withLock { defer { value += size }; return value } }
    }

    static func register(name: String, at hubURL: String) async throws -> RogueClient {
        let registration = try await HTTP.send(.PUT, "\(hubURL)/dske/oob/v1/registration",
                                               headers: [("Content-Type", "application/json")],
                                               body: Data(#"{"client_name":"\#(name)","encryptor_names":[]}"#.utf8))
        try #require(registration.status == 200, "registration: \(registration)")
        let psrd = try await HTTP.get("\(hubURL)/dske/oob/v1/psrd?client_name=\(name)&pool_owner=client&size=4096")
        try #require(psrd.status == 200, "psrd: \(psrd)")
        let object = try #require(psrd.object)
        let uuidText = try #require(object["block_uuid"] as? String)
        let base64 = try #require(object["data"] as? String)
        let uuid = try #require(UUID(uuidString: uuidText))
        let data = try #require(Data(base64Encoded: base64))
        return RogueClient(name: name, hubURL: hubURL, blockUUID: uuid, block: Array(data))
    }

    /// A DSKE-Signature over query || body with the next 32 bytes of the client-owned block.
    func sign(query: String, body: [UInt8]) throws -> String {
        let start = next.take(MessageAuthenticator.keySize)
        let key = Array(block[start..<start + MessageAuthenticator.keySize])
        let tag = MessageAuthenticator(kind: .hmacSHA256).tag(key: key, message: [Array(query.utf8), body])
        let allocation = try Allocation(fragments: [try Fragment(blockUUID: blockUUID, start: start, size: MessageAuthenticator.keySize)])
        return DSKESignature(allocation: allocation, tag: tag).headerValue
    }

    func getShare(masterSAE: String, slaveSAE: String, keyID: String, asClient: String) async throws -> HTTPResult {
        let query = "client_name=\(asClient)&master_sae_id=\(masterSAE)&slave_sae_id=\(slaveSAE)&key_id=\(keyID)"
        return try await HTTP.get("\(hubURL)/dske/api/v1/key-share?\(query)",
                                  headers: [("DSKE-Signature", try sign(query: query, body: []))])
    }

    func fetchShares(masterSAE: String, slaveSAE: String, keyIDs: [String]) async throws -> HTTPResult {
        let body = #"{"client_name":"\#(name)","master_sae_id":"\#(masterSAE)","slave_sae_id":"\#(slaveSAE)","key_ids":[\#(keyIDs.map { "\"\($0)\"" }.joined(separator: ","))]}"#
        return try await HTTP.send(.POST, "\(hubURL)/dske/api/v1/key-shares/fetch",
                                   headers: [("Content-Type", "application/json"),
                                             ("DSKE-Signature", try sign(query: "", body: Array(body.utf8)))],
                                   body: Data(body.utf8))
    }
}
