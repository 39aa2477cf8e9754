import Foundation
import Testing

/// Who may get which key: the calling SAE must be attached to the KME, and only the slave named
/// at Get key may fetch the key (the hubs enforce it; the KME maps their refusal to 401).
@Suite(.serialized) struct AuthorizationTests {
    static let clients = [
        TestNetwork.ClientSpec(name: "carol", encryptors: ["sam"]),
        TestNetwork.ClientSpec(name: "connie", encryptors: ["sofia"]),
        TestNetwork.ClientSpec(name: "curtis", encryptors: ["sunny", "susan"]),
    ]

    @Test func aThirdSAEAtItsOwnKMEGets401AndTheSlaveStillGetsTheKey() async throws {
        try await TestNetwork.with(clients: Self.clients) { network in
            let key = try #require(try await network.etsi(.GET, "carol", "sofia/enc_keys", caller: "sam").keys().keys.first)
            let path = "sam/dec_keys?key_ID=\(key.keyID.lowercased)"
            let stolen = try await network.etsi(.GET, "curtis", path, caller: "sunny")
            #expect(stolen.status == 401, "\(stolen)")
            #expect(stolen.isETSIError)
            // The refusal consumed nothing: the slave named at Get key still gets the key.
            let fetched = try await network.etsi(.GET, "connie", path, caller: "sofia")
            #expect(fetched.status == 200, "\(fetched)")
            #expect(try fetched.keys().keys == [key])
        }
    }

    @Test func anSAENotAttachedToThisKMEGets401OnEveryRoute() async throws {
        try await TestNetwork.with(clients: Self.clients) { network in
            let key = try #require(try await network.etsi(.GET, "carol", "sofia/enc_keys", caller: "sam").keys().keys.first)
            let calls: [(String, String, String?)] = [
                ("GET", "sofia/status", nil), ("GET", "sofia/enc_keys", nil), ("POST", "sofia/enc_keys", "{}"),
                ("GET", "sam/dec_keys?key_ID=\(key.keyID.lowercased)", nil),
                ("POST", "sam/dec_keys", #"{"key_IDs":[{"key_ID":"\#(key.keyID.lowercased)"}]}"#),
            ]
            for (method, path, body) in calls {
                // sunny is curtis's SAE, not connie's.
                let reply = try await network.etsi(method == "GET" ? .GET : .POST, "connie", path, caller: "sunny", body: body)
                #expect(reply.status == 401, "\(method) \(path): \(reply)")
                #expect(reply.isETSIError, "\(method) \(path): \(reply)")
            }
            // A KME with two SAEs cannot guess the caller.
            let anonymous = try await network.etsi(.GET, "curtis", "sam/status", caller: nil)
            #expect(anonymous.status == 401, "\(anonymous)")
            #expect(anonymous.isETSIError)
            // The key is still there for its slave.
            let fetched = try await network.etsi(.GET, "connie", "sam/dec_keys?key_ID=\(key.keyID.lowercased)", caller: "sofia")
            #expect(try fetched.keys().keys == [key])
        }
    }

    @Test func theMasterSAEInThePathMustMatchTheKey() async throws {
        try await TestNetwork.with(clients: Self.clients) { network in
            let key = try #require(try await network.etsi(.GET, "carol", "sofia/enc_keys", caller: "sam").keys().keys.first)
            let wrong = try await network.etsi(.GET, "connie", "sunny/dec_keys?key_ID=\(key.keyID.lowercased)", caller: "sofia")
            #expect(wrong.status == 401, "\(wrong)")
            #expect(wrong.isETSIError)
            let right = try await network.etsi(.GET, "connie", "sam/dec_keys?key_ID=\(key.keyID.lowercased)", caller: "sofia")
            #expect(try right.keys().keys == [key])
        }
    }

    @Test func aKMEWithOneSAEAssumesItWithoutAuthorizationHeader() async throws {
        try await TestNetwork.with { network in
            let made = try await network.etsi(.GET, "carol", "sofia/enc_keys", caller: nil)
            #expect(made.status == 200, "\(made)")
            let key = try #require(try made.keys().keys.first)
            let fetched = try await network.etsi(.GET, "connie", "sam/dec_keys?key_ID=\(key.keyID.lowercased)", caller: nil)
            #expect(try fetched.keys().keys == [key])
        }
    }
}
