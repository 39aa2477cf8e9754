import DSKECore
import Foundation
import Testing

/// Keys made at one KME and fetched at the other, through in-process hubs on loopback.
@Suite(.serialized) struct KeyPairTests {
    @Test func getKeyAndGetKeyWithKeyIDsGiveTheSameKey() async throws {
        try await TestNetwork.with { network in
            let made = try await network.etsi(.GET, "carol", "sofia/enc_keys", caller: "sam")
            #expect(made.status == 200, "\(made)")
            let container = try made.keys()
            #expect(container.keys.count == 1)
            let key = try #require(container.keys.first)
            #expect(key.key.count == 32) // default 256 bits

            let fetched = try await network.etsi(.GET, "connie", "sam/dec_keys?key_ID=\(key.keyID.lowercased)", caller: "sofia")
            #expect(fetched.status == 200, "\(fetched)")
            #expect(try fetched.keys().keys == [key])
            // `keys` is an array on both sides, as the standard says (the reference sends an object).
            #expect(made.object?["keys"].map { if case .array = $0 { true } else { false } } == true)
        }
    }

    @Test func postVariantsOnThePrefixedRootGiveTheSameKeys() async throws {
        try await TestNetwork.with { network in
            let made = try await network.etsi(.POST, "carol", "sofia/enc_keys", caller: "sam",
                                              body: #"{"number":3,"size":128}"#, prefixed: true)
            #expect(made.status == 200, "\(made)")
            let keys = try made.keys().keys
            #expect(keys.count == 3)
            #expect(keys.allSatisfy { $0.key.count == 16 })
            #expect(Set(keys.map(\.keyID)).count == 3)
            #expect(Set(keys.map(\.key)).count == 3)

            let ids = keys.reversed().map { #"{"key_ID":"\#($0.keyID.lowercased)"}"# }.joined(separator: ",")
            let fetched = try await network.etsi(.POST, "connie", "sam/dec_keys", caller: "sofia",
                                                 body: #"{"key_IDs":[\#(ids)]}"#, prefixed: true)
            #expect(fetched.status == 200, "\(fetched)")
            // Delivered in the order asked for.
            #expect(try fetched.keys().keys == Array(keys.reversed()))
        }
    }

    @Test func aBatchOfFiveKeysCostsOneShareMessagePerHub() async throws {
        // Thresholds such that no refill runs while the PSRD used is measured.
        try await TestNetwork.with(adjust: { settings in
            settings.startRequestPSRDThreshold = 100
            settings.stopRequestPSRDThreshold = 4000
        }) { network in
            for client in ["carol", "connie"] { try await network.waitUntilFilled(client, bytes: 4000) }
            var before: [String: (messages: Int, own: Int, peer: Int)] = [:]
            for client in ["carol", "connie"] {
                for hub in TestNetwork.hubNames {
                    let entry = try await network.hubEntry(client, hub)
                    before["\(client).\(hub)"] = (TestNetwork.int(entry, "share_messages"),
                                                  try await network.psrdUsed(client, hub: hub, owner: .client),
                                                  try await network.psrdUsed(client, hub: hub, owner: .hub))
                }
            }
            let made = try await network.etsi(.GET, "carol", "sofia/enc_keys?number=5&size=256", caller: "sam")
            #expect(made.status == 200, "\(made)")
            let keys = try made.keys().keys
            #expect(keys.count == 5)
            let ids = keys.map { #"{"key_ID":"\#($0.keyID.lowercased)"}"# }.joined(separator: ",")
            let fetched = try await network.etsi(.POST, "connie", "sam/dec_keys", caller: "sofia", body: #"{"key_IDs":[\#(ids)]}"#)
            #expect(fetched.status == 200, "\(fetched)")
            #expect(try fetched.keys().keys == keys)

            let mac = MessageAuthenticator.keySize
            for hub in TestNetwork.hubNames {
                for client in ["carol", "connie"] {
                    let entry = try await network.hubEntry(client, hub)
                    let start = try #require(before["\(client).\(hub)"])
                    #expect(TestNetwork.int(entry, "share_messages") - start.messages == 1, "\(client) -> \(hub)")
                    let own = try await network.psrdUsed(client, hub: hub, owner: .client) - start.own
                    let peer = try await network.psrdUsed(client, hub: hub, owner: .hub) - start.peer
                    if client == "carol" {
                        // Five pads and one MAC key out; one MAC key of the hub's answer in.
                        #expect(own == 5 * 32 + mac, "\(hub)")
                        #expect(peer == mac, "\(hub)")
                    } else {
                        // One MAC key out; five pads and one MAC key of the hub's answer in.
                        #expect(own == mac, "\(hub)")
                        #expect(peer == 5 * 32 + mac, "\(hub)")
                    }
                }
            }
        }
    }

    /// Batches travel packed to hubs that have the extension and as lists to the others (here
    /// two hubs that answer the capabilities probe as hubs that predate it); either way the
    /// keys match.
    @Test func batchesTravelPackedOnlyToHubsThatPackThem() async throws {
        let unpacked: Set<String> = ["hank", "helen"]
        try await TestNetwork.with(unpacked: unpacked) { network in
            for client in ["carol", "connie"] {
                for hub in TestNetwork.hubNames {
                    #expect(try await network.hubEntry(client, hub)["packed"] == .bool(!unpacked.contains(hub)), "\(client) -> \(hub)")
                }
            }
            let made = try await network.etsi(.GET, "carol", "sofia/enc_keys?number=40&size=256", caller: "sam")
            #expect(made.status == 200, "\(made)")
            let keys = try made.keys().keys
            let ids = keys.map { #"{"key_ID":"\#($0.keyID.lowercased)"}"# }.joined(separator: ",")
            let fetched = try await network.etsi(.POST, "connie", "sam/dec_keys", caller: "sofia", body: #"{"key_IDs":[\#(ids)]}"#)
            #expect(fetched.status == 200, "\(fetched)")
            #expect(try fetched.keys().keys == keys)
            #expect(Set(keys.map(\.key)).count == 40)
            // Every hub took and gave all 40 shares, in whichever form it speaks.
            for hub in TestNetwork.hubNames {
                #expect(TestNetwork.int(try await network.hubEntry("carol", hub), "shares_posted") == 40, "\(hub)")
                #expect(TestNetwork.int(try await network.hubEntry("connie", hub), "shares_fetched") == 40, "\(hub)")
            }
        }
    }

    @Test func aDeliveredKeyIsGone() async throws {
        try await TestNetwork.with { network in
            let key = try #require(try await network.etsi(.GET, "carol", "sofia/enc_keys", caller: "sam").keys().keys.first)
            let first = try await network.etsi(.GET, "connie", "sam/dec_keys?key_ID=\(key.keyID.lowercased)", caller: "sofia")
            #expect(first.status == 200)
            let second = try await network.etsi(.GET, "connie", "sam/dec_keys?key_ID=\(key.keyID.lowercased)", caller: "sofia")
            #expect(second.status == 400, "\(second)")
            #expect(second.isETSIError)
            #expect(second.message == "one or more keys specified are not found on KME")
        }
    }

    @Test func statusReportsTrueFigures() async throws {
        try await TestNetwork.with { network in
            let reply = try await network.etsi(.GET, "carol", "sofia/status", caller: "sam")
            #expect(reply.status == 200, "\(reply)")
            let status = try WireCoding.decode(ETSIStatus.self, from: reply.body)
            #expect(status.sourceKMEID == "carol")
            #expect(status.targetKMEID == "connie")
            #expect(status.masterSAEID == "sam")
            #expect(status.slaveSAEID == "sofia")
            #expect(status.keySize == 256)
            #expect(status.minKeySize == 32)
            #expect(status.maxKeySize == 16_777_216)
            #expect(status.maxKeyPerRequest == 128)
            #expect(status.maxSAEIDCount == 8) // additional slave SAEs are supported (docs/etsi-014.md)
            // The figure follows the PSRD in the pools: the k-th fullest hub's keys of 256 bits.
            let store = network.clientStore("carol")
            var perHub: [Int] = []
            for hub in TestNetwork.hubNames {
                let own = await store.unusedBytes(peer: hub, owner: .client)
                let peer = await store.unusedBytes(peer: hub, owner: .hub)
                perHub.append(min(own / (32 + 32), peer / 32))
            }
            let expected = perHub.sorted(by: >)[2]
            #expect(status.storedKeyCount == expected)
            #expect(status.storedKeyCount > 0)
            #expect(status.maxKeyCount >= status.storedKeyCount)
        }
    }
}
