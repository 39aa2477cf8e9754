import DSKECore
import DSKEHub
import DSKEService
import Foundation
import Testing

/// The reference's POST and GET key-share, and the checks the reference lacks.
@Suite struct KeyShareTests {
    @Test func aShareGoesFromMasterToSlaveAndCostsExactlyTheExpectedPSRD() async throws {
        try await HubFixture.with { hub in
            let carol = try await TestClient.make("carol", encryptors: ["sam"], hub: hub)
            let connie = try await TestClient.make("connie", encryptors: ["sofia"], hub: hub)
            let keyID = UUID()
            let share = testShare(32)

            let carolBefore = await carol.levels(), hubCarolBefore = await hub.levels("carol")
            let posted = try await carol.postShare(masterSAE: "sam", slaveSAE: "sofia", keyID: keyID, index: 3, share: share)
            #expect(posted.status == 200, "\(posted.text)")
            #expect(posted.body == Array("null".utf8), "a reference client verifies the signature over exactly 'null'")
            // carol: MAC key and pad from her pool; the hub's answer MAC from the hub's pool.
            let carolAfter = await carol.levels(), hubCarolAfter = await hub.levels("carol")
            #expect(carolBefore.own - carolAfter.own == 64)
            #expect(hubCarolBefore.peer - hubCarolAfter.peer == 64)
            #expect(hubCarolBefore.own - hubCarolAfter.own == 32)
            #expect(carolBefore.peer - carolAfter.peer == 32)

            let connieBefore = await connie.levels(), hubConnieBefore = await hub.levels("connie")
            let (got, index, value) = try await connie.getShare(masterSAE: "sam", slaveSAE: "sofia", keyID: keyID)
            #expect(got.status == 200, "\(got.text)")
            #expect(index == 3)
            #expect(value == share)
            // connie: MAC key from her pool; the pad and the answer MAC from the hub's pool.
            let connieAfter = await connie.levels(), hubConnieAfter = await hub.levels("connie")
            #expect(connieBefore.own - connieAfter.own == 32)
            #expect(hubConnieBefore.peer - hubConnieAfter.peer == 32)
            #expect(hubConnieBefore.own - hubConnieAfter.own == 64)
            #expect(connieBefore.peer - connieAfter.peer == 64)
        }
    }

    @Test func theGetAnswerHasTheReferenceFieldsInTheReferenceOrder() async throws {
        try await HubFixture.with { hub in
            let carol = try await TestClient.make("carol", encryptors: ["sam"], hub: hub)
            let connie = try await TestClient.make("connie", encryptors: ["sofia"], hub: hub)
            let keyID = UUID()
            _ = try await carol.postShare(masterSAE: "sam", slaveSAE: "sofia", keyID: keyID, share: testShare(20))
            let (got, _, _) = try await connie.getShare(masterSAE: "sam", slaveSAE: "sofia", keyID: keyID)
            guard case .object(let object)? = got.json else { Issue.record("not an object: \(got.text)"); return }
            #expect(object.keys == ["share_index", "encryption_key_allocation", "encrypted_share_value"])
            #expect(got.text.hasPrefix(#"{"share_index":0,"encryption_key_allocation":{"fragments":[{"block_uuid":""#))
        }
    }

    @Test func onlyTheClientServingTheSlaveSAEMayFetchAndOnlyForTheRightPair() async throws {
        try await HubFixture.with { hub in
            let carol = try await TestClient.make("carol", encryptors: ["sam"], hub: hub)
            let connie = try await TestClient.make("connie", encryptors: ["sofia"], hub: hub)
            let cindy = try await TestClient.make("cindy", encryptors: ["serena"], hub: hub)
            let keyID = UUID()
            let share = testShare(32)
            #expect(try await carol.postShare(masterSAE: "sam", slaveSAE: "sofia", keyID: keyID, share: share).status == 200)

            // Another registered client, with valid signatures of its own.
            let (wrongClient, _, _) = try await cindy.getShare(masterSAE: "sam", slaveSAE: "sofia", keyID: keyID)
            #expect(wrongClient.status == 401)
            #expect(wrongClient.error?.message == "Client may not fetch this share.")
            // The master itself.
            let (master, _, _) = try await carol.getShare(masterSAE: "sam", slaveSAE: "sofia", keyID: keyID)
            #expect(master.status == 401)
            // The right client naming another pair.
            let (wrongSlave, _, _) = try await connie.getShare(masterSAE: "sam", slaveSAE: "serena", keyID: keyID)
            #expect(wrongSlave.status == 401)
            let (wrongMaster, _, _) = try await connie.getShare(masterSAE: "sunny", slaveSAE: "sofia", keyID: keyID)
            #expect(wrongMaster.status == 401)

            // None of that cost the share: the rightful slave still gets it, once.
            let (got, _, value) = try await connie.getShare(masterSAE: "sam", slaveSAE: "sofia", keyID: keyID)
            #expect(got.status == 200)
            #expect(value == share)
            let (again, _, _) = try await connie.getShare(masterSAE: "sam", slaveSAE: "sofia", keyID: keyID)
            #expect(again.status == 404)
            #expect(again.error?.message == "Unknown key ID.")
        }
    }

    @Test func anUnclaimedShareExpires() async throws {
        try await HubFixture.with(HubSettings(name: "hank", shareExpiry: .seconds(30))) { hub in
            let carol = try await TestClient.make("carol", encryptors: ["sam"], hub: hub)
            let connie = try await TestClient.make("connie", encryptors: ["sofia"], hub: hub)
            let early = UUID(), late = UUID()
            #expect(try await carol.postShare(masterSAE: "sam", slaveSAE: "sofia", keyID: early, share: testShare()).status == 200)
            hub.clock.advance(by: .seconds(20))
            #expect(try await carol.postShare(masterSAE: "sam", slaveSAE: "sofia", keyID: late, share: testShare()).status == 200)
            hub.clock.advance(by: .seconds(11))

            let (expired, _, _) = try await connie.getShare(masterSAE: "sam", slaveSAE: "sofia", keyID: early)
            #expect(expired.status == 404)
            let (fresh, _, _) = try await connie.getShare(masterSAE: "sam", slaveSAE: "sofia", keyID: late)
            #expect(fresh.status == 200)
            let status = try await RawHTTP.send(.GET, hub.baseURL + "/mgmt/v1/status")
            guard case .object(let object)? = status.json, case .object(let counters)? = object["counters"] else {
                Issue.record("status: \(status)"); return
            }
            #expect(counters["shares_expired"] == 1)
            #expect(object["pending_shares"] == 0)
        }
    }

    @Test func aKeyIDIsPostedOnce() async throws {
        try await HubFixture.with { hub in
            let carol = try await TestClient.make("carol", encryptors: ["sam"], hub: hub)
            _ = try await TestClient.make("connie", encryptors: ["sofia"], hub: hub)
            let keyID = UUID()
            #expect(try await carol.postShare(masterSAE: "sam", slaveSAE: "sofia", keyID: keyID, index: 0, share: testShare()).status == 200)
            let before = await hub.levels("carol")
            let second = try await carol.postShare(masterSAE: "sam", slaveSAE: "sofia", keyID: keyID, index: 1, share: testShare(seed: 9))
            #expect(second.status == 409)
            // Refused after authentication: the MAC key and the pad were still taken, in step
            // with carol, who counts both as used.
            #expect(before.peer - (await hub.levels("carol")).peer == 64)
        }
    }

    @Test func theMasterSAEMustBeTheClientsAndTheSlaveSAEKnown() async throws {
        try await HubFixture.with { hub in
            let carol = try await TestClient.make("carol", encryptors: ["sam"], hub: hub)
            _ = try await TestClient.make("connie", encryptors: ["sofia"], hub: hub)
            let notHers = try await carol.postShare(masterSAE: "sofia", slaveSAE: "sam", keyID: UUID(), share: testShare())
            #expect(notHers.status == 401)
            #expect(notHers.error?.message == "Encryptor is not registered for client.")
            let unknownSlave = try await carol.postShare(masterSAE: "sam", slaveSAE: "nobody", keyID: UUID(), share: testShare())
            #expect(unknownSlave.status == 400)
            let status = try await RawHTTP.send(.GET, hub.baseURL + "/mgmt/v1/status")
            guard case .object(let object)? = status.json else { Issue.record("status: \(status)"); return }
            #expect(object["pending_shares"] == 0)
        }
    }

    @Test func theMasterCanWithdrawItsShareAndNobodyElseCan() async throws {
        try await HubFixture.with { hub in
            let carol = try await TestClient.make("carol", encryptors: ["sam"], hub: hub)
            let connie = try await TestClient.make("connie", encryptors: ["sofia"], hub: hub)
            let keyID = UUID()
            #expect(try await carol.postShare(masterSAE: "sam", slaveSAE: "sofia", keyID: keyID, share: testShare()).status == 200)
            let query = [("client_name", "connie"), ("key_id", keyID.lowercased)]
            let byConnie = try await connie.connection.send(.DELETE, path: "/dske/api/v1/key-share", query: query, signed: true)
            #expect(byConnie.status == 401)
            let byCarol = try await carol.connection.send(.DELETE, path: "/dske/api/v1/key-share",
                                                          query: [("client_name", "carol"), ("key_id", keyID.lowercased)], signed: true)
            #expect(byCarol.status == 200)
            #expect(byCarol.body == Array("null".utf8))
            let (gone, _, _) = try await connie.getShare(masterSAE: "sam", slaveSAE: "sofia", keyID: keyID)
            #expect(gone.status == 404)
            let twice = try await carol.connection.send(.DELETE, path: "/dske/api/v1/key-share",
                                                        query: [("client_name", "carol"), ("key_id", keyID.lowercased)], signed: true)
            #expect(twice.status == 404)
        }
    }

    @Test func keyIDsInUpperCaseAreAcceptedOnGetAsPythonsUUIDDoes() async throws {
        try await HubFixture.with { hub in
            let carol = try await TestClient.make("carol", encryptors: ["sam"], hub: hub)
            let connie = try await TestClient.make("connie", encryptors: ["sofia"], hub: hub)
            let keyID = UUID()
            #expect(try await carol.postShare(masterSAE: "sam", slaveSAE: "sofia", keyID: keyID, share: testShare()).status == 200)
            let response = try await connie.connection.send(.GET, path: "/dske/api/v1/key-share", query: [
                ("client_name", "connie"), ("master_sae_id", "sam"), ("slave_sae_id", "sofia"), ("key_id", keyID.uuidString),
            ], signed: true)
            #expect(response.status == 200, "\(response.text)")
        }
    }
}
