import Courier
import DSKECore
import Foundation
import Testing

/// Every bad bundle of issue 4 through real processes: a clear one-line error, a non-zero
/// exit, nothing imported, no staging file left behind.
@Suite struct BadBundleTests {
    /// A workspace with carol enrolled at hank and one bundle for carol on a plain directory.
    struct Setup {
        let work: Workspace
        let stick: String
        let key: String
        let bundle: String
    }

    static func setup() throws -> Setup {
        let work = try Workspace()
        let stick = work.path("stick")
        try FileManager.default.createDirectory(atPath: stick, withIntermediateDirectories: true)
        let key = try work.enrol("carol", at: "hank")
        let bundle = try work.issue("hank", "carol", to: stick)
        return Setup(work: work, stick: stick, key: key, bundle: bundle)
    }

    /// Runs the client's import and checks the refusal: exit 1, one line on stderr containing
    /// `phrase`, an empty store and no staging leftovers.
    static func expectRefused(_ setup: Setup, from: String? = nil, key: String? = nil, phrase: String,
                              via wrapper: [String] = []) async throws {
        let arguments = ["import", "--from", from ?? setup.stick, "--node", "carol", "--key-file", key ?? setup.key]
        let result = wrapper.isEmpty ? try setup.work.courier(arguments) : try setup.work.courier(via: wrapper, arguments)
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains(phrase), "\(result)")
        #expect(result.stderr.hasPrefix("psrd-courier: ") && result.stderr.split(separator: "\n").count == 1, "\(result)")
        #expect(try await setup.work.levels("carol", role: .client).isEmpty, "something was imported")
        #expect(setup.work.stagingLeftovers("carol").isEmpty, "staging files left: \(setup.work.stagingLeftovers("carol"))")
    }

    /// Flips one byte of the file.
    static func flip(_ path: String, at offset: Int) throws {
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        defer { try? handle.close() }
        try handle.seek(toOffset: UInt64(offset))
        let byte = try #require(try handle.read(upToCount: 1)?.first)
        try handle.seek(toOffset: UInt64(offset))
        try handle.write(contentsOf: [byte ^ 0x01])
    }

    static func size(_ path: String) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
    }

    @Test func tamperedHeaderValue() async throws {
        let setup = try Self.setup()
        // The issuer's name inside the header JSON: still valid JSON, so only the MAC catches it.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: setup.bundle))
        let range = try #require(bytes.range(of: Data("\"issuer\":\"hank\"".utf8)))
        // `"issuer":"hank"`: the k becomes a j, a valid name the MAC does not cover.
        try Self.flip(setup.bundle, at: range.lowerBound + 13)
        try await Self.expectRefused(setup, phrase: "tampered header")
    }

    @Test func tamperedHeaderSyntax() async throws {
        let setup = try Self.setup()
        let bytes = try Data(contentsOf: URL(fileURLWithPath: setup.bundle))
        let range = try #require(bytes.range(of: Data("\"blocks\":[".utf8)))
        try Self.flip(setup.bundle, at: range.upperBound - 1)
        // From a directory the unreadable bundle stops the import before anything is done.
        try await Self.expectRefused(setup, phrase: "malformed bundle header")
        try await Self.expectRefused(setup, from: setup.bundle, phrase: "malformed bundle header")
    }

    @Test func tamperedPayload() async throws {
        let setup = try Self.setup()
        // Near the end: every chunk before it verified and was staged; none may stay.
        try Self.flip(setup.bundle, at: try Self.size(setup.bundle) - 100)
        try await Self.expectRefused(setup, phrase: "tampered payload")
    }

    @Test func truncatedAsAStickPulledMidWrite() async throws {
        let setup = try Self.setup()
        let size = try Self.size(setup.bundle)
        // At a chunk boundary (64 KiB + 16-byte tag): only the missing last-chunk flag tells.
        let header = try BundleReader.peekHeader(path: setup.bundle)
        let payloadStart = size - header.payloadSize - header.chunkCount * 16
        for length in [payloadStart + 2 * (65536 + 16), size * 3 / 5, size - 1] {
            try FileManager.default.copyItem(atPath: setup.bundle, toPath: setup.bundle + ".whole")
            #expect(truncate(setup.bundle, off_t(length)) == 0)
            try await Self.expectRefused(setup, phrase: "truncated")
            try FileManager.default.removeItem(atPath: setup.bundle)
            try FileManager.default.moveItem(atPath: setup.bundle + ".whole", toPath: setup.bundle)
        }
        // Cut inside the header.
        #expect(truncate(setup.bundle, 60) == 0)
        try await Self.expectRefused(setup, from: setup.bundle, phrase: "truncated")
    }

    @Test func wrongRecipient() async throws {
        let setup = try Self.setup()
        _ = try setup.work.enrol("dave", at: "hank")
        let other = setup.work.path("other")
        try FileManager.default.createDirectory(atPath: other, withIntermediateDirectories: true)
        let daves = try setup.work.issue("hank", "dave", to: other)
        // Named explicitly, and as the only bundle of a directory.
        try await Self.expectRefused(setup, from: daves, phrase: "wrong recipient")
        try await Self.expectRefused(setup, from: other, phrase: "wrong recipient")
        // The hub's copy, offered to the client.
        let hubCopy = setup.work.inbox("hank") + "/" + (setup.bundle as NSString).lastPathComponent
        try await Self.expectRefused(setup, from: hubCopy, phrase: "wrong recipient")
    }

    @Test func wrongEnrolmentKey() async throws {
        let setup = try Self.setup()
        // carol enrolled at a second hub has a second key: valid, carol's, but not this bundle's.
        let otherKey = try setup.work.enrol("carol", at: "helen")
        try await Self.expectRefused(setup, key: otherKey, phrase: "wrong key")
        let verify = try setup.work.courier("verify", "--from", setup.stick, "--key-file", otherKey)
        #expect(verify.status == 1 && verify.stderr.contains("wrong key"), "\(verify)")
    }

    @Test func expired() async throws {
        let setup = try Self.setup()
        // The bundle lives 30 days; the import runs 31 days later (faketime: the clock of the
        // child process only moves).
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/faketime"), "faketime missing: apt-get install faketime")
        try await Self.expectRefused(setup, phrase: "expired", via: ["/usr/bin/faketime", "+31 days"])
        // The same bundle today imports.
        #expect(try setup.work.courier("import", "--from", setup.stick, "--node", "carol", "--key-file", setup.key).succeeded)
    }

    @Test func replayOfTheSameBundle() async throws {
        let setup = try Self.setup()
        #expect(try setup.work.courier("import", "--from", setup.stick, "--node", "carol", "--key-file", setup.key).succeeded)
        let before = try await setup.work.levels("carol", role: .client)
        let again = try setup.work.courier("import", "--from", setup.stick, "--node", "carol", "--key-file", setup.key)
        #expect(again.status == 1 && again.stderr.contains("replayed bundle"), "\(again)")
        #expect(try await setup.work.levels("carol", role: .client) == before)
        #expect(setup.work.stagingLeftovers("carol").isEmpty)
    }

    @Test func replayOfABlockInASecondBundle() async throws {
        let setup = try Self.setup()
        let header = try BundleReader.peekHeader(path: setup.bundle)
        let keyContents = try EnrolmentKeyFile.read(path: setup.key)
        let blocks = try BundleReader(path: setup.bundle, key: keyContents.key).readAll()
        #expect(try setup.work.courier("import", "--from", setup.stick, "--node", "carol", "--key-file", setup.key).succeeded)
        let before = try await setup.work.levels("carol", role: .client)

        // A properly sealed new bundle (new ID, right key, right recipient) that carries one
        // block imported before next to a fresh one: refused whole.
        let fresh = BundleBlock(uuid: UUID(), owner: .client, size: 4096)
        let bundleID = UUID(), fileKey = FileKey.generate()
        let second = try BundleHeader(bundleID: bundleID, issuer: "hank", pair: header.pair, recipient: header.recipient,
                                      blocks: [fresh, header.blocks[0]], created: Date(), expires: Date() + 86_400,
                                      entropy: header.entropy, stanzas: [keyContents.key.wrap(fileKey, bundleID: bundleID)])
        let sealed = try BundleWriter.seal(header: second, fileKey: fileKey,
                                           payload: SecureRandom.bytes(4096) + blocks[0])
        let replay = setup.work.path("replay")
        try FileManager.default.createDirectory(atPath: replay, withIntermediateDirectories: true)
        try Data(sealed).write(to: URL(fileURLWithPath: replay + "/" + BundleFormat.fileName(bundleID: second.id)))
        let result = try setup.work.courier("import", "--from", replay, "--node", "carol", "--key-file", setup.key)
        #expect(result.status == 1 && result.stderr.contains("replayed bundle: block \(header.blocks[0].uuid.lowercased)"), "\(result)")
        #expect(try await setup.work.levels("carol", role: .client) == before, "the fresh block was imported")
        #expect(setup.work.stagingLeftovers("carol").isEmpty)
    }

    @Test func aKeyFileOthersCanReadIsRefused() async throws {
        let setup = try Self.setup()
        #expect(chmod(setup.key, 0o644) == 0)
        let result = try setup.work.courier("import", "--from", setup.stick, "--node", "carol", "--key-file", setup.key)
        #expect(result.status == 2 && result.stderr.contains("chmod 600"), "\(result)")
        #expect(try await setup.work.levels("carol", role: .client).isEmpty)
    }
}
