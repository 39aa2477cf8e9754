#if canImport(Darwin)
import Darwin
#else
import Glibc
#endif
@testable import Courier
import DSKECore
import Foundation
import Testing

@Suite struct BundleRoundTripTests {
    static let chunk = BundleFormat.defaultChunkSize

    @Test(arguments: [
        [1],                                  // one byte
        [chunk],                              // exactly one chunk
        [chunk + 1],                          // a second chunk of one byte
        [chunk - 1, 2],                       // a block boundary inside a chunk, spilling over
        [3 * 1024 * 1024 + 17, 5, chunk * 2], // several MiB, a tiny block, an aligned block
    ])
    func blocksComeBackExactlyThroughAFile(sizes: [Int]) throws {
        let directory = try ScratchDirectory()
        let path = directory.file("b.dskb")
        let fileKey = FileKey.generate()
        let header = try BundleFixture.header(sizes: sizes, fileKey: fileKey)
        let blocks = sizes.enumerated().map { BundleFixture.bytes($1, seed: UInt64($0 + 7)) }

        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        #expect(fd >= 0)
        let writer = try BundleWriter(header: header, fileKey: fileKey, fileDescriptor: fd, path: path)
        // Uneven slices: the writer must chunk them itself.
        let payload = blocks.flatMap { $0 }
        var offset = 0, step = 1
        while offset < payload.count {
            let end = min(payload.count, offset + step)
            try writer.write(Array(payload[offset..<end]))
            offset = end
            step = step * 3 + 1
        }
        try writer.finish()
        close(fd)

        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect(attributes[.size] as? Int == header.fileSize)
        #expect(writer.fileBytesWritten == header.fileSize)
        let reader = try BundleReader(path: path, key: BundleFixture.carolKey,
                                      recipient: BundleRecipient(name: "carol", role: .client),
                                      now: BundleFixture.created)
        #expect(reader.header == header)
        #expect(try reader.readAll() == blocks)
    }

    @Test func theChunkCountAndFileSizeFollowTheSpecification() throws {
        let header = try BundleFixture.header(sizes: [Self.chunk * 2 + 1, 10], fileKey: .generate())
        #expect(header.payloadSize == Self.chunk * 2 + 11)
        #expect(header.chunkCount == 3)
        let bundle = try BundleFixture.sealed(sizes: [Self.chunk * 2 + 1, 10])
        #expect(bundle.bundle.count == BundleFixture.payloadOffset(bundle.bundle) + Self.chunk * 2 + 11 + 3 * 16)
        #expect(bundle.header.fileSize == bundle.bundle.count)
    }

    @Test func aPieceReachesTheSinkOnlyAfterItsChunkAuthenticated() throws {
        var (bundle, _, _) = try BundleFixture.sealed(sizes: [Self.chunk * 3], chunkSize: Self.chunk)
        let payload = BundleFixture.payloadOffset(bundle)
        bundle[payload + 2 * (Self.chunk + 16) + 5] ^= 1  // the third chunk
        let reader = try BundleReader(bytes: bundle, key: BundleFixture.carolKey, now: BundleFixture.created)
        var delivered = 0
        #expect(throws: BundleError.tamperedChunk(index: 2, count: 3)) {
            try reader.readPayload { (_: Int, bytes: UnsafeRawBufferPointer) throws(BundleError) in delivered += bytes.count }
        }
        #expect(delivered == 2 * Self.chunk)
    }

    @Test func theHubOpensItsOwnCopyWithItsBundleKey() throws {
        let hub = BundleRecipient(name: "hank", role: .hub)
        let (bundle, blocks, _) = try BundleFixture.sealed(sizes: [100, 200], key: BundleFixture.hankKey, recipient: hub)
        #expect(try BundleFixture.open(bundle, key: BundleFixture.hankKey, recipient: hub) == blocks)
    }

    @Test func peekingReadsTheHeaderWithoutAKey() throws {
        let directory = try ScratchDirectory()
        let (bundle, _, header) = try BundleFixture.sealed(sizes: [10])
        try Data(bundle).write(to: URL(fileURLWithPath: directory.file("x.dskb")))
        #expect(try BundleReader.peekHeader(path: directory.file("x.dskb")) == header)
    }

    @Test func verifyAuthenticatesEverythingAndThePayloadReadsOnce() throws {
        let (bundle, _, _) = try BundleFixture.sealed(sizes: [Self.chunk + 3])
        let reader = try BundleReader(bytes: bundle, key: BundleFixture.carolKey, now: BundleFixture.created)
        try reader.verify()
        #expect(throws: BundleError.self) { try reader.verify() }
    }

    @Test func aWriterRefusesAPayloadOfTheWrongLength() throws {
        let fileKey = FileKey.generate()
        let header = try BundleFixture.header(sizes: [10], fileKey: fileKey)
        let long = try BundleWriter(header: header, fileKey: fileKey) { (_: UnsafeRawBufferPointer) throws(BundleError) in }
        #expect(throws: BundleError.self) { try long.write([UInt8](repeating: 1, count: 11)) }
        // After a failure the writer stays failed: no way to finish a damaged bundle.
        #expect(throws: BundleError.self) { try long.finish() }

        let short = try BundleWriter(header: header, fileKey: fileKey) { (_: UnsafeRawBufferPointer) throws(BundleError) in }
        try short.write([UInt8](repeating: 1, count: 9))
        #expect(throws: BundleError.invalidArgument("payload has 9 bytes, the header announces 10")) { try short.finish() }
    }

    @Test func anAbandonedWriterLeavesNothingAReaderAccepts() throws {
        // An issue whose entropy fails half-way stops writing: whatever reached the file lacks
        // the final chunk, so even a file that escaped deletion is refused.
        let fileKey = FileKey.generate()
        let header = try BundleFixture.header(sizes: [Self.chunk * 40], fileKey: fileKey)
        var written: [UInt8] = []
        let writer = try BundleWriter(header: header, fileKey: fileKey) { (bytes: UnsafeRawBufferPointer) throws(BundleError) in
            written.append(contentsOf: bytes)
        }
        try writer.write(BundleFixture.bytes(Self.chunk * 40 - 1))
        // Two full output buffers (16 chunks each) reached the file; the final chunk never did.
        #expect(written.count == BundleFixture.payloadOffset(written) + 32 * (Self.chunk + 16))
        #expect(BundleFixture.failure(written) == .truncated(complete: 32, count: 40))
    }

    @Test func anOutputFailureStopsTheWriter() throws {
        let fileKey = FileKey.generate()
        let header = try BundleFixture.header(sizes: [Self.chunk * 40], fileKey: fileKey)
        var calls = 0
        let writer = try BundleWriter(header: header, fileKey: fileKey) { (_: UnsafeRawBufferPointer) throws(BundleError) in
            calls += 1
            if calls > 1 { throw .io(operation: "write", path: "stick", errno: ENOSPC) }
        }
        #expect(throws: BundleError.io(operation: "write", path: "stick", errno: ENOSPC)) {
            try writer.write(BundleFixture.bytes(Self.chunk * 40))
        }
        #expect(throws: BundleError.self) { try writer.finish() }
    }
}
