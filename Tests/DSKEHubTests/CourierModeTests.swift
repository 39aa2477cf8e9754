import DSKECore
import DSKEHub
import DSKEService
import Foundation
import PSRDStore
import Testing

/// A hub with `out_of_band: courier`: no out-of-band routes, its clients are those enrolled in
/// its courier keystore, bundles reach its running store through `POST mgmt/v1/import`, and its
/// status warns about pools that need a new bundle.
@Suite struct CourierModeTests {
    static let courierSettings = HubSettings(name: "hank", outOfBandHTTP: false, shareExpiry: .seconds(60))

    /// The keystore as psrd-courier writes it (keys included: the hub must skip them).
    static func writeKeystore(_ hub: HubFixture, clients: [(String, [String])]) throws {
        let directory = hub.storeDirectory + "/courier"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let entries = clients.map { name, encryptors in
            #"{"name":"\#(name)","encryptors":[\#(encryptors.map { "\"\($0)\"" }.joined(separator: ","))],"key_id":"0011223344556677","key":"\#(String(repeating: "A", count: 43))=","enrolled":"2026-01-01T00:00:00Z"}"#
        }
        let text = #"{"version":1,"hub":"hank","bundle_key":{"key_id":"8899aabbccddeeff","key":"\#(String(repeating: "B", count: 43))="},"clients":[\#(entries.joined(separator: ","))]}"#
        // Replaced whole by a rename, as psrd-courier does.
        try text.write(toFile: directory + "/keystore.json.tmp", atomically: false, encoding: .utf8)
        #expect(rename(directory + "/keystore.json.tmp", directory + "/keystore.json") == 0)
    }

    static func status(_ hub: HubFixture) async throws -> JSONObject {
        let reply = try await RawHTTP.send(.GET, hub.baseURL + "/mgmt/v1/status")
        guard case .object(let object)? = reply.json else { throw CourierTestError("status: \(reply)") }
        return object
    }

    static func clientNames(_ status: JSONObject) -> [String] {
        guard case .array(let items)? = status["registrations"] else { return [] }
        return items.compactMap { item in
            guard case .object(let entry) = item, case .string(let name)? = entry["client_name"] else { return nil }
            return name
        }
    }

    static func warnings(_ status: JSONObject) -> [String] {
        guard case .array(let items)? = status["pool_warnings"] else { return [] }
        return items.compactMap { item in
            guard case .object(let entry) = item, case .string(let message)? = entry["message"] else { return nil }
            return message
        }
    }

    /// Stages `bytes` random bytes where psrd-courier would, for the running hub to adopt.
    static func stage(_ hub: HubFixture, uuid: UUID = UUID(), bytes: Int = 4096) throws -> NodeImportRequest.Block {
        let path = hub.store.stagingPath(for: uuid)
        try Data(SecureRandom.bytes(bytes)).write(to: URL(fileURLWithPath: path))
        return NodeImportRequest.Block(peer: "carol", owner: "client", uuid: uuid.lowercased, path: path)
    }

    static func postImport(_ hub: HubFixture, _ request: NodeImportRequest) async throws -> Reply {
        try await RawHTTP.send(.POST, hub.baseURL + "/mgmt/v1/import", headers: [("Content-Type", "application/json")],
                               body: WireCoding.encode(request))
    }

    @Test func enrolledClientsAreTheRegistrationsAndNoOutOfBandRouteExists() async throws {
        try await HubFixture.with(Self.courierSettings) { hub in
            #expect(Self.clientNames(try await Self.status(hub)).isEmpty)
            let register = try await RawHTTP.send(.PUT, hub.baseURL + "/dske/oob/v1/registration",
                                                  headers: [("Content-Type", "application/json")],
                                                  body: WireCoding.encode(RegistrationRequest(clientName: "carol", encryptorNames: ["sam"])))
            #expect(register.status == 404, "\(register)")
            let psrd = try await RawHTTP.send(.GET, hub.baseURL + "/dske/oob/v1/psrd?client_name=carol&pool_owner=client&size=16")
            #expect(psrd.status == 404, "\(psrd)")

            // Enrolled while the hub runs: known at once, without any HTTP step.
            try Self.writeKeystore(hub, clients: [("carol", ["sam"])])
            let status = try await Self.status(hub)
            #expect(status["out_of_band"] == .string("courier"))
            #expect(Self.clientNames(status) == ["carol"])
            try Self.writeKeystore(hub, clients: [("carol", ["sam"]), ("connie", ["sofia"])])
            #expect(Self.clientNames(try await Self.status(hub)) == ["carol", "connie"])
            // And after a restart, from the keystore alone.
            try await hub.restart()
            #expect(Self.clientNames(try await Self.status(hub)) == ["carol", "connie"])
        }
    }

    @Test func aRunningHubAdoptsAStagedBundleAtOnceAndRefusesReplays() async throws {
        try await HubFixture.with(Self.courierSettings) { hub in
            try Self.writeKeystore(hub, clients: [("carol", ["sam"])])
            // Enrolled, no PSRD yet: both pools of the pair are reported empty.
            let before = Self.warnings(try await Self.status(hub))
            #expect(before.count == 2, "\(before)")
            #expect(before.allSatisfy { $0.hasPrefix("carol↔hank: ") && $0.contains("pool empty")
                && $0.contains("psrd-courier issue --hub hank --client carol") }, "\(before)")

            let bundle = UUID().lowercased
            let first = try Self.stage(hub, bytes: 4096)
            let second = NodeImportRequest.Block(peer: "carol", owner: "hub", uuid: UUID().lowercased, path: "")
            let hubOwned = try Self.stage(hub, uuid: UUID(uuidString: second.uuid)!, bytes: 2048)
            let reply = try await Self.postImport(hub, NodeImportRequest(bundleID: bundle, blocks: [first, NodeImportRequest.Block(
                peer: "carol", owner: "hub", uuid: hubOwned.uuid, path: hubOwned.path)]))
            #expect(reply.status == 200, "\(reply)")
            #expect(try WireCoding.decode(NodeImportResponse.self, from: reply.body)
                    == NodeImportResponse(bundleID: bundle, blocks: 2, bytes: 6144))
            // In the pools at once, and the warnings are gone.
            #expect(await hub.levels("carol") == (own: 2048, peer: 4096))
            #expect(Self.warnings(try await Self.status(hub)).isEmpty)

            // The same bundle again, or one of its blocks in another bundle: 409, nothing adopted.
            let again = try Self.stage(hub)
            let replayedBundle = try await Self.postImport(hub, NodeImportRequest(bundleID: bundle, blocks: [again]))
            #expect(replayedBundle.status == 409 && replayedBundle.isJSONError, "\(replayedBundle)")
            try Data(SecureRandom.bytes(64)).write(to: URL(fileURLWithPath: first.path))
            let replayedBlock = try await Self.postImport(hub, NodeImportRequest(bundleID: UUID().lowercased, blocks: [first]))
            #expect(replayedBlock.status == 409 && replayedBlock.isJSONError, "\(replayedBlock)")
            #expect(await hub.levels("carol") == (own: 2048, peer: 4096))
        }
    }

    @Test func onlyTheStoresOwnStagingPathsAndWellFormedBodiesAreAccepted() async throws {
        try await HubFixture.with(Self.courierSettings) { hub in
            let elsewhere = hub.scratch.path + "/outside.incoming"
            try Data(SecureRandom.bytes(1024)).write(to: URL(fileURLWithPath: elsewhere))
            let uuid = UUID()
            let cases: [NodeImportRequest.Block] = [
                // A file outside the store, and the staging path of another block.
                .init(peer: "carol", owner: "client", uuid: uuid.lowercased, path: elsewhere),
                .init(peer: "carol", owner: "client", uuid: uuid.lowercased, path: hub.store.stagingPath(for: UUID())),
                .init(peer: "carol", owner: "client", uuid: uuid.lowercased, path: hub.storeDirectory + "/blocks/../../outside.incoming"),
                .init(peer: "carol", owner: "nobody", uuid: uuid.lowercased, path: hub.store.stagingPath(for: uuid)),
                .init(peer: "carol", owner: "client", uuid: "not-a-uuid", path: hub.store.stagingPath(for: uuid)),
                .init(peer: "", owner: "client", uuid: uuid.lowercased, path: hub.store.stagingPath(for: uuid)),
            ]
            for block in cases {
                let reply = try await Self.postImport(hub, NodeImportRequest(bundleID: UUID().lowercased, blocks: [block]))
                #expect(reply.status == 400 && reply.isJSONError, "\(block): \(reply)")
            }
            let noBlocks = try await Self.postImport(hub, NodeImportRequest(bundleID: UUID().lowercased, blocks: []))
            #expect(noBlocks.status == 400, "\(noBlocks)")
            let garbage = try await RawHTTP.send(.POST, hub.baseURL + "/mgmt/v1/import", body: Array("{\"bundle_id\": 7}".utf8))
            #expect(garbage.status == 400 && garbage.isJSONError, "\(garbage)")
            // A staged file that does not exist (yet) is the caller's mistake, not the node's.
            let missing = try await Self.postImport(hub, NodeImportRequest(bundleID: UUID().lowercased, blocks: [
                .init(peer: "carol", owner: "client", uuid: uuid.lowercased, path: hub.store.stagingPath(for: uuid))]))
            #expect(missing.status == 400, "\(missing)")
            #expect(FileManager.default.fileExists(atPath: elsewhere), "a refused path is never touched")
            #expect(await hub.store.levels().isEmpty)
            // The store's own staging file, reached through a symlink to the data directory, is fine.
            let link = hub.scratch.path + "/link"
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: hub.storeDirectory)
            let staged = try Self.stage(hub, uuid: uuid)
            let viaLink = try await Self.postImport(hub, NodeImportRequest(bundleID: UUID().lowercased, blocks: [
                .init(peer: "carol", owner: "client", uuid: uuid.lowercased, path: link + "/blocks/" + (staged.path as NSString).lastPathComponent)]))
            #expect(viaLink.status == 200, "\(viaLink)")
            #expect(await hub.store.levels().count == 1)
        }
    }
}

struct CourierTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
