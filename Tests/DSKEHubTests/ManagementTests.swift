import DSKECore
import DSKEHub
import DSKEService
import Foundation
import Testing

/// The management API the manager reads and the stop it sends.
@Suite struct ManagementTests {
    @Test func statusNamesTheHubItsPoolsRegistrationsSharesAndCounters() async throws {
        try await HubFixture.with { hub in
            let carol = try await TestClient.make("carol", encryptors: ["sam"], hub: hub, bytes: 1000)
            _ = try await TestClient.make("connie", encryptors: ["sofia"], hub: hub, bytes: 1000)
            #expect(try await carol.postShare(masterSAE: "sam", slaveSAE: "sofia", keyID: UUID(), share: testShare()).status == 200)
            let reply = try await RawHTTP.send(.GET, hub.baseURL + "/mgmt/v1/status")
            #expect(reply.status == 200)
            guard case .object(let object)? = reply.json else { Issue.record("\(reply)"); return }
            #expect(Array(object.keys.prefix(3)) == ["name", "role", "pools"])
            #expect(object["name"] == "hank")
            #expect(object["role"] == "hub")
            #expect(object["pending_shares"] == 1)
            guard case .array(let pools)? = object["pools"] else { Issue.record("pools"); return }
            #expect(pools.count == 4)
            #expect(pools.first == ["peer": "carol", "owner": "client", "blocks": 1, "total_bytes": 1000, "unused_bytes": 936])
            guard case .object(let counters)? = object["counters"] else { Issue.record("counters"); return }
            #expect(counters["psrd_blocks"] == 4)
            #expect(counters["shares_posted"] == 1)
            #expect(!reply.text.contains("data"), "no PSRD in the status")
        }
    }

    @Test func stopAnswersThenStopsTheNodeAndClosesTheStore() async throws {
        try await HubFixture.with { hub in
            let reply = try await RawHTTP.send(.POST, hub.baseURL + "/mgmt/v1/stop")
            #expect(reply.status == 200)
            #expect(reply.text == #"{"result":"Hub stop initiated"}"#)
            try await hub.node.waitUntilStopped()
            // The store was closed: it can be opened again.
            let reopened = try await HubNode.openStore(directory: hub.storeDirectory)
            try await reopened.close()
        }
    }
}
