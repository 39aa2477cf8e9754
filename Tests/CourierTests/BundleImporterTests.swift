@testable import Courier
import DSKECore
import Foundation
import PSRDStore
import Testing

@Suite struct BundleImporterTests {
    static let carol = BundleImporter(node: "carol", role: .client, key: BundleFixture.carolKey)
    static let now = BundleFixture.created.addingTimeInterval(60)

    /// The client's and the hub's copies of the same PSRD, as `issue` writes them.
    static func issue(sizes: [Int], into directory: ScratchDirectory, name: String = "b",
                      bundleID: UUID = BundleFixture.uuid(0xB0), firstBlock: Int = 1)
        throws -> (client: String, hub: String, blocks: [[UInt8]]) {
        let blocks = sizes.enumerated().map { BundleFixture.bytes($1, seed: UInt64(firstBlock + $0)) }
        let descriptors = sizes.enumerated().map { index, size in
            BundleBlock(uuid: BundleFixture.uuid(firstBlock + index), owner: index % 2 == 0 ? .client : .hub, size: size)
        }
        var paths: [String] = []
        for (recipient, key) in [(BundleRecipient(name: "carol", role: .client), BundleFixture.carolKey),
                                 (BundleRecipient(name: "hank", role: .hub), BundleFixture.hankKey)] {
            let fileKey = FileKey.generate()
            let header = try BundleHeader(bundleID: bundleID, issuer: "hank", pair: BundleFixture.pair, recipient: recipient,
                                          blocks: descriptors, created: BundleFixture.created, expires: BundleFixture.expires,
                                          entropy: .operatingSystemOnly, stanzas: [key.wrap(fileKey, bundleID: bundleID)])
            let path = directory.file("\(name)-\(recipient.name).dskb")
            try Data(BundleWriter.seal(header: header, fileKey: fileKey, payload: blocks.flatMap { $0 }))
                .write(to: URL(fileURLWithPath: path))
            paths.append(path)
        }
        return (paths[0], paths[1], blocks)
    }

    static func incoming(_ store: String) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: store + "/blocks"))?.filter { $0.hasSuffix(".incoming") } ?? []
    }

    @Test func bothSidesImportAndTheirPoolsMatchByteForByte() async throws {
        let media = try ScratchDirectory(), client = try ScratchDirectory(), hub = try ScratchDirectory()
        let (clientCopy, hubCopy, blocks) = try Self.issue(sizes: [70_000, 50_000, 3], into: media)
        let clientStore = try await NodeStore(directory: client.path, localRole: .client)
        let hubStore = try await NodeStore(directory: hub.path, localRole: .hub)

        let staged = try await Self.carol.stage(bundleAt: clientCopy, into: clientStore, now: Self.now)
        #expect(staged.bundleID == BundleFixture.uuid(0xB0).lowercased)
        #expect(staged.blocks.map(\.peer) == ["hank", "hank", "hank"])
        #expect(staged.blocks.map(\.owner) == [.client, .hub, .client])
        #expect(staged.blocks.map(\.path) == staged.blocks.map { clientStore.stagingPath(for: $0.uuid) })
        for (block, bytes) in zip(staged.blocks, blocks) {
            #expect(try Data(contentsOf: URL(fileURLWithPath: block.path)) == Data(bytes))
        }
        try await staged.adopt(into: clientStore)

        let hubImporter = BundleImporter(node: "hank", role: .hub, key: BundleFixture.hankKey)
        try await hubImporter.stage(bundleAt: hubCopy, into: hubStore, now: Self.now).adopt(into: hubStore)

        // The client allocates from its own pool; the hub takes the same range: same bytes.
        let (allocation, clientBytes) = try await clientStore.allocate(peer: "hank", size: 64)
        #expect(clientBytes == Array(blocks[0].prefix(64)))
        #expect(try await hubStore.take(peer: "carol", allocation: allocation) == clientBytes)
        #expect(await clientStore.levels().map(\.totalBytes) == [70_003, 50_000])
        #expect(await hubStore.levels().map(\.totalBytes) == [70_003, 50_000])
        #expect(Self.incoming(client.path).isEmpty)
    }

    @Test func aTamperedBundleStagesNothing() async throws {
        let media = try ScratchDirectory(), client = try ScratchDirectory()
        let (clientCopy, _, _) = try Self.issue(sizes: [200_000, 100], into: media)
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: clientCopy)))
        bytes[bytes.count - 20] ^= 1  // the last chunk: every earlier block was already written
        try Data(bytes).write(to: URL(fileURLWithPath: clientCopy))
        let store = try await NodeStore(directory: client.path, localRole: .client)

        await #expect(throws: BundleError.tamperedChunk(index: 3, count: 4)) {
            _ = try await Self.carol.stage(bundleAt: clientCopy, into: store, now: Self.now)
        }
        #expect(Self.incoming(client.path).isEmpty)
        #expect(await store.levels().isEmpty)
    }

    @Test func aTruncatedBundleStagesNothing() async throws {
        let media = try ScratchDirectory(), client = try ScratchDirectory()
        let (clientCopy, _, _) = try Self.issue(sizes: [200_000], into: media)
        try FileManager.default.createDirectory(atPath: client.path + "/blocks", withIntermediateDirectories: true)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: clientCopy))
        try handle.truncate(atOffset: 150_000)
        try handle.close()
        await #expect(throws: BundleError.truncated(complete: 2, count: 4)) {
            _ = try await Self.carol.stage(bundleAt: clientCopy, storeDirectory: client.path, now: Self.now)
        }
        #expect(Self.incoming(client.path).isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: client.path + "/blocks").isEmpty)
    }

    @Test func aReplayedBlockIsRefusedBeforeAnythingIsStaged() async throws {
        let media = try ScratchDirectory(), client = try ScratchDirectory()
        let store = try await NodeStore(directory: client.path, localRole: .client)
        let first = try Self.issue(sizes: [100, 200], into: media, name: "first")
        try await Self.carol.stage(bundleAt: first.client, into: store, now: Self.now).adopt(into: store)

        // The same bundle again.
        await #expect(throws: BundleError.replayedBlock(BundleFixture.uuid(1))) {
            _ = try await Self.carol.stage(bundleAt: first.client, into: store, now: Self.now)
        }
        // Another bundle that repeats one block (its second).
        let second = try Self.issue(sizes: [300, 400], into: media, name: "second",
                                    bundleID: BundleFixture.uuid(0xB2), firstBlock: 1)
        await #expect(throws: BundleError.replayedBlock(BundleFixture.uuid(1))) {
            _ = try await Self.carol.stage(bundleAt: second.client, into: store, now: Self.now)
        }
        #expect(Self.incoming(client.path).isEmpty)
        #expect(await store.levels().map(\.totalBytes) == [100, 200])
    }

    @Test func aReplayedBundleIDWithNewBlocksIsRefusedAtAdoptionAndWiped() async throws {
        let media = try ScratchDirectory(), client = try ScratchDirectory()
        let store = try await NodeStore(directory: client.path, localRole: .client)
        let first = try Self.issue(sizes: [100], into: media, name: "first")
        try await Self.carol.stage(bundleAt: first.client, into: store, now: Self.now).adopt(into: store)
        let again = try Self.issue(sizes: [100], into: media, name: "again", firstBlock: 5)
        let staged = try await Self.carol.stage(bundleAt: again.client, into: store, now: Self.now)
        await #expect(throws: BundleError.store(.duplicateBundle(BundleFixture.uuid(0xB0).lowercased))) {
            try await staged.adopt(into: store)
        }
        #expect(Self.incoming(client.path).isEmpty)
    }

    @Test func theHubsCopyIsTheWrongRecipientForTheClient() async throws {
        let media = try ScratchDirectory(), client = try ScratchDirectory()
        let (_, hubCopy, _) = try Self.issue(sizes: [100], into: media)
        let store = try await NodeStore(directory: client.path, localRole: .client)
        await #expect(throws: BundleError.wrongRecipient(bundleFor: "hank", bundleRole: .hub, node: "carol", nodeRole: .client)) {
            _ = try await Self.carol.stage(bundleAt: hubCopy, into: store, now: Self.now)
        }
        #expect(Self.incoming(client.path).isEmpty)
    }

    @Test func stagingForARunningNodeUsesTheStoresOwnStagingPaths() async throws {
        let media = try ScratchDirectory(), client = try ScratchDirectory()
        let (clientCopy, _, blocks) = try Self.issue(sizes: [1000, 2000], into: media)
        try FileManager.default.createDirectory(atPath: client.path + "/blocks", withIntermediateDirectories: true)
        // As a running node would: the CLI stages, then the node adopts.
        let staged = try Self.carol.stage(bundleAt: clientCopy, storeDirectory: client.path, now: Self.now)
        let store = try await NodeStore(directory: client.path, localRole: .client)
        // (Opening the store wipes strays, so stage again now that it is open, as the CLI would
        // have staged while the node ran.)
        #expect(staged.blocks.map(\.path) == staged.blocks.map { store.stagingPath(for: $0.uuid) })
        let again = try Self.carol.stage(bundleAt: clientCopy, storeDirectory: client.path, now: Self.now)
        try await store.adoptBlockFiles(again.blocks, bundleID: again.bundleID)
        #expect(try await store.allocate(peer: "hank", size: 1000).1 == blocks[0])
    }
}
