#if canImport(Darwin)
import Darwin
#else
import Glibc
#endif
import Crypto
@testable import Courier
import DSKECore
import Foundation
import Testing

@Suite struct EnrolmentKeyTests {
    @Test func theKeyIDIsTheFirstEightBytesOfItsSHA256() throws {
        let bytes = (0..<32).map { UInt8($0 * 3) }
        let key = try EnrolmentKey(bytes: bytes)
        #expect(key.keyID == EnrolmentKey.hex(SHA256.hash(data: bytes).prefix(8)))
        #expect(key.keyID.count == 16)
        #expect(key.exportBytes() == bytes)
        #expect(EnrolmentKey.generate().keyID != EnrolmentKey.generate().keyID)
        #expect(throws: BundleError.self) { _ = try EnrolmentKey(bytes: [UInt8](repeating: 0, count: 31)) }
    }

    @Test func aStanzaOpensOnlyWithItsKeyAndItsBundleID() throws {
        let key = EnrolmentKey.generate(), fileKey = FileKey.generate(), bundleID = UUID()
        guard case let .enrolmentKey(keyID, nonce, wrapped) = try key.wrap(fileKey, bundleID: bundleID) else {
            Issue.record("not an enrolment-key stanza")
            return
        }
        #expect(keyID == key.keyID)
        let opened = try #require(key.unwrap(nonce: nonce, wrappedKey: wrapped, bundleID: bundleID))
        #expect(opened.headerMACKey == fileKey.headerMACKey)
        // Moved to another bundle (the associated data), or opened with another key: nothing.
        #expect(key.unwrap(nonce: nonce, wrappedKey: wrapped, bundleID: UUID()) == nil)
        #expect(EnrolmentKey.generate().unwrap(nonce: nonce, wrappedKey: wrapped, bundleID: bundleID) == nil)
    }

    @Test func aKeyFileRoundTripsWithMode0600() throws {
        let directory = try ScratchDirectory()
        let path = directory.file("carol.key")
        let key = EnrolmentKey.generate()
        try EnrolmentKeyFile.write(key, client: "carol", to: path, force: false)
        var info = stat()
        #expect(stat(path, &info) == 0 && info.st_mode & 0o777 == 0o600)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text == "dske-enrolment-key/v1 carol \(StrictBase64.encode(key.exportBytes()))\n")
        let contents = try EnrolmentKeyFile.read(path: path)
        #expect(contents.client == "carol" && contents.key.keyID == key.keyID)
    }

    @Test(arguments: [0o640, 0o604, 0o644])
    func aKeyFileOthersMayReadIsRefused(mode: Int) throws {
        let directory = try ScratchDirectory()
        let path = directory.file("carol.key")
        try EnrolmentKeyFile.write(EnrolmentKey.generate(), client: "carol", to: path, force: false)
        #expect(chmod(path, mode_t(mode)) == 0)
        #expect {
            _ = try EnrolmentKeyFile.read(path: path)
        } throws: { error in
            guard case .keyFile(_, let reason)? = error as? BundleError else { return false }
            return reason.contains("readable by others")
        }
    }

    @Test(arguments: [
        "dske-enrolment-key/v1 carol AAAA\n",                         // a short key
        "dske-enrolment-key/v2 carol \(StrictBase64.encode([UInt8](repeating: 1, count: 32)))\n",
        "dske-enrolment-key/v1 Carol \(StrictBase64.encode([UInt8](repeating: 1, count: 32)))\n",
        "dske-enrolment-key/v1  carol \(StrictBase64.encode([UInt8](repeating: 1, count: 32)))\n",
        "dske-enrolment-key/v1 carol \(StrictBase64.encode([UInt8](repeating: 1, count: 32)))\nmore\n",
    ])
    func aMalformedKeyFileIsRefused(text: String) throws {
        let directory = try ScratchDirectory()
        let path = directory.file("bad.key")
        #expect(FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]))
        #expect(throws: BundleError.self) { _ = try EnrolmentKeyFile.read(path: path) }
    }
}
