import DSKECore
import Foundation
import PSRDStore
import Testing

@Suite struct BlockImportTests {
    func stage(_ store: NodeStore, _ uuid: UUID, _ bytes: [UInt8]) throws -> String {
        let path = store.stagingPath(for: uuid)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func anAdoptedFileIsMovedInAndServesAllocations() async throws {
        let directory = try TemporaryDirectory()
        let store = try await NodeStore(directory: directory.path, localRole: .client)
        let uuid = Fixture.uuid(1), bytes = Fixture.bytes(5000)
        let staged = try stage(store, uuid, bytes)
        try await store.adoptBlockFile(peer: "hank", owner: .client, uuid: uuid, path: staged)
        let final = "\(directory.path)/blocks/\(uuid.lowercased).psrd"
        #expect(!FileManager.default.fileExists(atPath: staged))
        #expect(Fixture.mode(final) == 0o600)
        #expect(try await store.allocate(peer: "hank", size: 40).1 == Array(bytes[0..<40]))
    }

    @Test func aBundleAndItsBlocksCommitTogetherOrNotAtAll() async throws {
        let directory = try TemporaryDirectory()
        let store = try await NodeStore(directory: directory.path, localRole: .hub)
        let first = [StagedBlock(peer: "carol", owner: .hub, uuid: Fixture.uuid(1), path: try stage(store, Fixture.uuid(1), Fixture.bytes(100))),
                     StagedBlock(peer: "carol", owner: .client, uuid: Fixture.uuid(2), path: try stage(store, Fixture.uuid(2), Fixture.bytes(200)))]
        try await store.adoptBlockFiles(first, bundleID: "bundle-1")
        #expect(await store.levels().map(\.totalBytes) == [200, 100])

        // The same bundle again, with fresh blocks: refused whole, its files wiped.
        let second = [StagedBlock(peer: "carol", owner: .hub, uuid: Fixture.uuid(3), path: try stage(store, Fixture.uuid(3), Fixture.bytes(300)))]
        await #expect(throws: StoreError.duplicateBundle("bundle-1")) {
            try await store.adoptBlockFiles(second, bundleID: "bundle-1")
        }
        #expect(await store.levels().map(\.totalBytes) == [200, 100])
        #expect(!FileManager.default.fileExists(atPath: "\(directory.path)/blocks/\(Fixture.uuid(3).lowercased).psrd"))

        // Its block never entered the ledger, so a genuine import of it later succeeds.
        let retry = [StagedBlock(peer: "carol", owner: .hub, uuid: Fixture.uuid(3), path: try stage(store, Fixture.uuid(3), Fixture.bytes(300)))]
        try await store.adoptBlockFiles(retry, bundleID: "bundle-2")
        #expect(await store.unusedBytes(peer: "carol", owner: .hub) == 400)
    }

    @Test func aKnownBlockIsRefusedAndTheStagedFileLeftAlone() async throws {
        let directory = try TemporaryDirectory()
        let store = try await NodeStore(directory: directory.path, localRole: .client)
        try await store.addBlock(peer: "hank", owner: .client, uuid: Fixture.uuid(1), bytes: Fixture.bytes(10))
        let staged = try stage(store, Fixture.uuid(1), Fixture.bytes(10, seed: 3))
        await #expect(throws: StoreError.duplicateBlock(Fixture.uuid(1))) {
            try await store.adoptBlockFile(peer: "hank", owner: .client, uuid: Fixture.uuid(1), path: staged)
        }
        #expect(FileManager.default.fileExists(atPath: staged))
    }

    @Test func bundleIDsAreRecordedOnceAcrossRestarts() async throws {
        let directory = try TemporaryDirectory()
        let store = try await NodeStore(directory: directory.path, localRole: .client)
        try await store.recordBundle(id: "b-42")
        await #expect(throws: StoreError.duplicateBundle("b-42")) { try await store.recordBundle(id: "b-42") }
        try await store.close()
        let reopened = try await NodeStore(directory: directory.path, localRole: .client)
        await #expect(throws: StoreError.duplicateBundle("b-42")) { try await reopened.recordBundle(id: "b-42") }
        try await reopened.recordBundle(id: "b-43")
    }

    @Test func anInvalidBlockIsRefused() async throws {
        let directory = try TemporaryDirectory()
        let store = try await NodeStore(directory: directory.path, localRole: .client)
        await #expect(throws: StoreError.invalidArgument("PSRD block \(Fixture.uuid(1).lowercased) is empty")) {
            try await store.addBlock(peer: "hank", owner: .client, uuid: Fixture.uuid(1), bytes: [])
        }
        await #expect(throws: StoreError.self) {
            try await store.adoptBlockFile(peer: "hank", owner: .client, uuid: Fixture.uuid(2), path: directory.path + "/missing")
        }
    }
}
