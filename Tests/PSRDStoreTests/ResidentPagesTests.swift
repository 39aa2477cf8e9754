import DSKECore
import Foundation
@testable import PSRDStore
import Testing

/// A node's resident set holds only the pages of its blocks that it touches, not whole
/// page-cache folios: on Linux 6.18 a fresh 2 MB block written in one piece put 1 MiB in the
/// resident set at its first pad, in most blocks (NodeStore.blockWritePiece).
@Suite struct ResidentPagesTests {
    @Test func aPadTakenFromFreshBlocksMapsLittleOfThem() async throws {
        let directory = try TemporaryDirectory()
        let store = try await NodeStore(directory: directory.path + "/s", localRole: .client)
        let peers = (1...6).map { "hub\($0)" }
        for (index, peer) in peers.enumerated() {
            try await store.addBlock(peer: peer, owner: .client, uuid: Fixture.uuid(index + 1),
                                     bytes: Fixture.bytes(2_000_000, seed: index))
        }
        for peer in peers { _ = try await store.allocate(peer: peer, size: 32) }

        let resident = try Self.residentKiB(ofFilesUnder: directory.path)
        #expect(resident.count == peers.count, "every block is mapped: \(resident)")
        for (path, kib) in resident {
            // One pad touches a page or two; the kernel maps the 64 KiB around it.
            #expect(kib <= 160, "\(kib) KiB of \(path) resident after one 32-byte pad")
        }
        try await store.close()
    }

    /// Rss of each mapped block file under `directory`, from /proc/self/smaps.
    static func residentKiB(ofFilesUnder directory: String) throws -> [String: Int] {
        // smaps names files by their canonical path (the temporary directory's has "//").
        let prefix = try #require(realpath(directory, nil).map { pointer in
            defer { free(pointer) }
            return String(cString: pointer) + "/"
        })
        // Read to the end: /proc files report a size of 0, which some readers trust.
        let handle = try #require(FileHandle(forReadingAtPath: "/proc/self/smaps"))
        defer { try? handle.close() }
        let smaps = String(decoding: try handle.readToEnd() ?? Data(), as: UTF8.self)
        var result: [String: Int] = [:]
        var current: String?
        for line in smaps.split(separator: "\n") {
            let first = line.prefix(while: { $0 != " " })
            if first.contains("-"), first.allSatisfy({ $0.isHexDigit || $0 == "-" }) {
                // A mapping's header line: the path, if any, is its last field.
                let path = line.firstIndex(of: "/").map { String(line[$0...]) }
                current = path.flatMap { $0.hasPrefix(prefix) && $0.hasSuffix(".psrd") ? $0 : nil }
            } else if let path = current, line.hasPrefix("Rss:") {
                let kib = Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]) ?? -1
                result[path, default: 0] += kib
            }
        }
        return result
    }
}
