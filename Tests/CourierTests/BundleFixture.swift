#if canImport(Darwin)
import Darwin
#else
import Glibc
#endif
@testable import Courier
import DSKECore
import Foundation

/// A fresh directory under the system temporary directory, removed when the value goes away.
final class ScratchDirectory {
    let path: String

    init() throws {
        var template = Array((NSTemporaryDirectory() + "/courier-test-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw POSIXError(.EIO) }
        path = String(cString: made)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { "\(path)/\(name)" }

    /// Every name in the directory tree below `path`, relative to it, sorted.
    func listing() -> [String] {
        (FileManager.default.subpaths(atPath: path) ?? []).sorted()
    }
}

/// Bundles for the tests: a pair hank (hub) and carol (client), deterministic payloads.
enum BundleFixture {
    static let created = Date(timeIntervalSince1970: 1_750_000_000)  // 2025-06-15T15:06:40Z
    static let expires = created.addingTimeInterval(30 * 86_400)
    static let pair = BundlePair(hub: "hank", client: "carol")
    static let carolKey = try! EnrolmentKey(bytes: (0..<32).map { UInt8($0) })
    static let hankKey = try! EnrolmentKey(bytes: (0..<32).map { UInt8(0xA0 ^ $0) })

    static func uuid(_ n: Int) -> UUID {
        UUID(uuidString: String(format: "00000000-0000-4000-8000-%012x", n))!
    }

    /// Deterministic bytes that differ per seed and position (not random: reproducible failures).
    static func bytes(_ count: Int, seed: UInt64 = 1) -> [UInt8] {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        return (0..<count).map { _ in
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return UInt8(truncatingIfNeeded: state)
        }
    }

    /// A header for `sizes` (alternating client- and hub-owned blocks), sealed for `key`.
    static func header(sizes: [Int], for recipient: BundleRecipient = BundleRecipient(name: "carol", role: .client),
                       key: EnrolmentKey = carolKey, fileKey: FileKey, bundleID: UUID = uuid(0xB0),
                       chunkSize: Int = BundleFormat.defaultChunkSize,
                       created: Date = created, expires: Date = expires) throws -> BundleHeader {
        let blocks = sizes.enumerated().map { index, size in
            BundleBlock(uuid: uuid(index + 1), owner: index % 2 == 0 ? .client : .hub, size: size)
        }
        return try BundleHeader(bundleID: bundleID, issuer: "hank", pair: pair, recipient: recipient, blocks: blocks,
                                created: created, expires: expires, entropy: .operatingSystemOnly, chunkSize: chunkSize,
                                stanzas: [key.wrap(fileKey, bundleID: bundleID)])
    }

    /// A sealed bundle in memory and its blocks' bytes.
    static func sealed(sizes: [Int], chunkSize: Int = BundleFormat.defaultChunkSize, key: EnrolmentKey = carolKey,
                       recipient: BundleRecipient = BundleRecipient(name: "carol", role: .client),
                       expires: Date = expires) throws -> (bundle: [UInt8], blocks: [[UInt8]], header: BundleHeader) {
        let fileKey = FileKey.generate()
        let header = try header(sizes: sizes, for: recipient, key: key, fileKey: fileKey, chunkSize: chunkSize,
                                expires: expires)
        let blocks = sizes.enumerated().map { bytes($1, seed: UInt64($0 + 1)) }
        let bundle = try BundleWriter.seal(header: header, fileKey: fileKey, payload: blocks.flatMap { $0 })
        return (bundle, blocks, header)
    }

    /// Where the payload starts in a bundle: after the MAC line.
    static func payloadOffset(_ bundle: [UInt8]) -> Int {
        var newlines = 0
        for (index, byte) in bundle.enumerated() where byte == 0x0A {
            newlines += 1
            if newlines == 3 { return index + 1 }
        }
        return bundle.count
    }

    /// Opens `bundle` as carol now-ish (before the fixture's expiry) and reads every block.
    static func open(_ bundle: [UInt8], key: EnrolmentKey = carolKey,
                     recipient: BundleRecipient? = BundleRecipient(name: "carol", role: .client),
                     now: Date = created.addingTimeInterval(60)) throws(BundleError) -> [[UInt8]] {
        try BundleReader(bytes: bundle, key: key, recipient: recipient, now: now).readAll()
    }

    /// The error opening and reading `bundle` throws, or nil if it opens.
    static func failure(_ bundle: [UInt8], key: EnrolmentKey = carolKey,
                        now: Date = created.addingTimeInterval(60)) -> BundleError? {
        do {
            _ = try open(bundle, key: key, now: now)
            return nil
        } catch {
            return error
        }
    }
}
