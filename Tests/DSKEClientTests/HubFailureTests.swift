import DSKECore
import Foundation
import Testing

/// Keys survive hubs that are down or dishonest, as long as k hubs do their part.
@Suite(.serialized) struct HubFailureTests {
    @Test func oneAndTwoHubsDownStillWork() async throws {
        try await TestNetwork.with { network in
            await network.stopHub("helen")
            for round in 0..<2 {
                let key = try #require(try await network.etsi(.GET, "carol", "sofia/enc_keys", caller: "sam").keys().keys.first)
                let fetched = try await network.etsi(.GET, "connie", "sam/dec_keys?key_ID=\(key.keyID.lowercased)", caller: "sofia")
                #expect(fetched.status == 200, "round \(round): \(fetched)")
                #expect(try fetched.keys().keys == [key])
            }
            await network.stopHub("hugo")
            let key = try #require(try await network.etsi(.GET, "carol", "sofia/enc_keys", caller: "sam").keys().keys.first)
            let fetched = try await network.etsi(.GET, "connie", "sam/dec_keys?key_ID=\(key.keyID.lowercased)", caller: "sofia")
            #expect(try fetched.keys().keys == [key])
        }
    }

    @Test func belowKHubsGetKeyAnswers503() async throws {
        try await TestNetwork.with { network in
            for hub in ["hank", "helen", "hilary"] { await network.stopHub(hub) }
            let reply = try await network.etsi(.GET, "carol", "sofia/enc_keys?number=2", caller: "sam")
            #expect(reply.status == 503, "\(reply)")
            #expect(reply.isETSIError)
            #expect(reply.object?["keys"] == nil)
        }
    }

    @Test func belowKHubsGetKeyWithKeyIDsAnswers503AndTheFailedScatterLeftNothing() async throws {
        try await TestNetwork.with { network in
            let key = try #require(try await network.etsi(.GET, "carol", "sofia/enc_keys", caller: "sam").keys().keys.first)
            for hub in ["hank", "helen", "hilary"] { await network.stopHub(hub) }
            let reply = try await network.etsi(.GET, "connie", "sam/dec_keys?key_ID=\(key.keyID.lowercased)", caller: "sofia")
            #expect(reply.status == 503, "\(reply)")
            #expect(reply.isETSIError)
            // A scatter that reached only two hubs withdrew its shares there.
            let failed = try await network.etsi(.GET, "carol", "sofia/enc_keys", caller: "sam")
            #expect(failed.status == 503, "\(failed)")
            for hub in ["holly", "hugo"] {
                let status = try await network.hubStatus(hub)
                #expect(TestNetwork.int(status, "pending_shares") == 0, "\(hub)")
                if case .object(let counters)? = status["counters"] {
                    #expect(TestNetwork.int(counters, "shares_deleted") == 1, "\(hub)")
                }
            }
        }
    }

    /// The tampering hub answers packed (one buffer: the client's column path finds the bad
    /// shares and hands their keys to the per-key rebuild) or, hiding the extension, as a list.
    @Test(arguments: [false, true])
    func aTamperingHubIsSurvivedAndNamed(answersAsAList: Bool) async throws {
        try await TestNetwork.with(tampering: "hilary", unpacked: answersAsAList ? ["hilary"] : []) { network in
            let made = try await network.etsi(.GET, "carol", "sofia/enc_keys?number=3", caller: "sam")
            let keys = try made.keys().keys
            #expect(keys.count == 3)
            let ids = keys.map { #"{"key_ID":"\#($0.keyID.lowercased)"}"# }.joined(separator: ",")
            let fetched = try await network.etsi(.POST, "connie", "sam/dec_keys", caller: "sofia", body: #"{"key_IDs":[\#(ids)]}"#)
            #expect(fetched.status == 200, "\(fetched)")
            #expect(try fetched.keys().keys == keys)

            let status = try await network.status("connie")
            #expect(status["suspect_hubs"] == .array([.string("hilary")]))
            let tamperer = try await network.hubEntry("connie", "hilary")
            #expect(TestNetwork.int(tamperer, "inconsistent_shares") == 3)
            #expect(tamperer["packed"] == .bool(!answersAsAList), "the answers took the form under test")
            #expect(TestNetwork.int(try await network.hubEntry("connie", "hank"), "inconsistent_shares") == 0)
            #expect(network.logs.contains("hub hilary returned a bad share of key \(keys[0].keyID.lowercased)"))
            // No log line carries key material.
            let encoded = keys.map { StrictBase64.encode($0.key) }
            #expect(!network.logs.all.contains { line in encoded.contains { line.contains($0) } })
        }
    }

    @Test func withKSharesOfWhichOneIsTamperedNoWrongKeyIsDelivered() async throws {
        try await TestNetwork.with(tampering: "hilary") { network in
            let key = try #require(try await network.etsi(.GET, "carol", "sofia/enc_keys", caller: "sam").keys().keys.first)
            // Three shares left, one of them tampered: not enough to tell which.
            for hub in ["hank", "helen"] { await network.stopHub(hub) }
            let reply = try await network.etsi(.GET, "connie", "sam/dec_keys?key_ID=\(key.keyID.lowercased)", caller: "sofia")
            #expect(reply.status == 503, "\(reply)")
            #expect(reply.isETSIError)
            #expect(reply.object?["keys"] == nil)
        }
    }
}
