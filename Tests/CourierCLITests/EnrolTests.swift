import Foundation
import Testing

/// `psrd-courier enrol`: the key file, the keystore, and refusals.
@Suite struct EnrolTests {
    static func mode(_ path: String) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    @Test func writesA0600KeyFileAndRecordsTheClient() throws {
        let work = try Workspace()
        let keyFile = try work.enrol("carol", at: "hank")
        #expect(try Self.mode(keyFile) == 0o600)
        let line = try String(contentsOfFile: keyFile, encoding: .utf8)
        let fields = line.trimmingCharacters(in: .newlines).split(separator: " ")
        #expect(fields.count == 3 && fields[0] == "dske-enrolment-key/v1" && fields[1] == "carol")
        #expect(Data(base64Encoded: String(fields[2]))?.count == 32)

        let keystorePath = work.dataDirectory("hank") + "/courier/keystore.json"
        #expect(try Self.mode(keystorePath) == 0o600)
        let keystore = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: keystorePath))) as? [String: Any]
        let clients = try #require(keystore?["clients"] as? [[String: Any]])
        #expect(clients.count == 1)
        #expect(clients.first?["name"] as? String == "carol")
        #expect(clients.first?["encryptors"] as? [String] == ["sam"])
        #expect(clients.first?["key"] as? String == String(fields[2]))
        #expect((keystore?["bundle_key"] as? [String: Any])?["key"] is String)
    }

    @Test func refusesToOverwriteAKeyFileOrReEnrolWithoutForce() throws {
        let work = try Workspace()
        let keyFile = try work.enrol("carol", at: "hank")
        let original = try String(contentsOfFile: keyFile, encoding: .utf8)
        let again = try work.courier("enrol", "--hub", "hank", "--client", "carol", "--key-file", keyFile)
        #expect(again.status == 1 && again.stderr.contains("--force"), "\(again)")
        #expect(try String(contentsOfFile: keyFile, encoding: .utf8) == original)
        // Another file, same client: still refused, the keystore already has carol.
        let other = try work.courier("enrol", "--hub", "hank", "--client", "carol", "--key-file", work.path("other.key"))
        #expect(other.status == 1 && other.stderr.contains("already enrolled"), "\(other)")
        #expect(!FileManager.default.fileExists(atPath: work.path("other.key")))

        let forced = try work.courier("enrol", "--hub", "hank", "--client", "carol", "--key-file", keyFile, "--force")
        #expect(forced.succeeded, "\(forced)")
        #expect(try String(contentsOfFile: keyFile, encoding: .utf8) != original)
        #expect(try Self.mode(keyFile) == 0o600)
    }

    @Test func aReEnrolledClientCannotOpenItsOldBundles() throws {
        let work = try Workspace()
        let keyFile = try work.enrol("carol", at: "hank")
        let stick = work.path("stick")
        try FileManager.default.createDirectory(atPath: stick, withIntermediateDirectories: true)
        _ = try work.issue("hank", "carol", to: stick)
        #expect(try work.courier("enrol", "--hub", "hank", "--client", "carol", "--key-file", keyFile, "--force").succeeded)
        let result = try work.courier("verify", "--from", stick, "--key-file", keyFile)
        #expect(result.status == 1 && result.stderr.contains("wrong key"), "\(result)")
    }

    @Test func issueRefusesAClientThatIsNotEnrolled() throws {
        let work = try Workspace()
        _ = try work.enrol("carol", at: "hank")
        let stick = work.path("stick")
        try FileManager.default.createDirectory(atPath: stick, withIntermediateDirectories: true)
        let result = try work.courier("issue", "--hub", "hank", "--client", "dave", "--to", stick, "--allow-any-target")
        #expect(result.status == 1 && result.stderr.contains("dave is not enrolled at hank"), "\(result)")
        #expect(Workspace.files(in: stick).bundles.isEmpty)
    }
}
