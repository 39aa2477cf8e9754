import Foundation
import Testing
import DSKEConfig

/// The `tls` section of a client and the `certificate_identity` of an encryptor: resolved paths,
/// defaults, and refusals with their place.
/// A class, so that its deinit removes the scratch directory after each test.
final class TLSConfigurationTests {
    let directory: String

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("dske-tls-config-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory + "/pki/kme", withIntermediateDirectories: true)
        for file in ["pki/ca.crt", "pki/kme/carol.crt", "pki/kme/carol.key"] {
            FileManager.default.createFile(atPath: "\(directory)/\(file)", contents: Data("x".utf8))
        }
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    func parse(_ clients: String, checkFiles: Bool = true) throws(ConfigError) -> DSKEConfiguration {
        let yaml = "base_port: 9000\nmin_nr_shares: 1\nhubs:\n  - name: hank\nclients:\n" + clients
        return try DSKEConfiguration.parse(yaml: yaml, sourceName: "t.yaml", baseDirectory: directory, checkFiles: checkFiles)
    }

    func issues(_ clients: String, checkFiles: Bool = true) -> [String] {
        do {
            _ = try parse(clients, checkFiles: checkFiles)
            return []
        } catch {
            return error.issues.map(\.description)
        }
    }

    static let carol = """
          - name: carol
            tls:
              certificate: pki/kme/carol.crt
              private_key: pki/kme/carol.key
              ca: pki/ca.crt

        """

    @Test func tlsSectionResolvesPathsAndDefaultsThePort() throws {
        let config = try parse(Self.carol + "    encryptors:\n      - name: sam\n      - name: sue\n        certificate_identity: dns:sue.example\n")
        let carol = try #require(config.client(named: "carol"))
        let tls = try #require(carol.tls)
        #expect(tls.certificate == directory + "/pki/kme/carol.crt")
        #expect(tls.caBundle == directory + "/pki/ca.crt")
        #expect(tls.port == carol.port + TLSSettings.defaultPortOffset)
        #expect(carol.secureURL == "https://127.0.0.1:\(tls.port)")
        #expect(config.encryptorIdentities["sam"] == CertificateIdentity(kind: .commonName, value: "sam"))
        #expect(config.encryptorIdentities["sue"] == CertificateIdentity(kind: .dnsName, value: "sue.example"))
    }

    @Test func clientWithoutTLSIsPlain() throws {
        let config = try parse("  - name: cindy\n")
        #expect(config.client(named: "cindy")?.tls == nil)
    }

    @Test func missingFilesAreReportedWithTheirPlace() {
        let found = issues("  - name: carol\n    tls:\n      certificate: pki/nope.crt\n      private_key: pki/kme/carol.key\n      ca: pki/ca.crt\n")
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("t.yaml:8:20: clients[0].tls.certificate: no such file") == true, "\(found)")
        // dske pki reads the configuration before the files exist.
        #expect(issues("  - name: carol\n    tls: {certificate: a, private_key: b, ca: c}\n", checkFiles: false).isEmpty)
    }

    @Test func missingKeysUnknownKeysBadPortAndBadIdentity() {
        let found = issues("""
              - name: carol
                tls: {certificate: pki/kme/carol.crt, ca: pki/ca.crt, port: 70000, cert: x}
                encryptors:
                  - name: sam
                    certificate_identity: email:sam@example

            """)
        #expect(found.contains { $0.contains("clients[0].tls: missing key 'private_key'") }, "\(found)")
        #expect(found.contains { $0.contains("unknown key 'cert'") }, "\(found)")
        #expect(found.contains { $0.contains("clients[0].tls.port: 70000 is outside 1...65535") }, "\(found)")
        #expect(found.contains { $0.contains("certificate_identity: 'email:sam@example' is not a certificate identity") }, "\(found)")
        #expect(found.allSatisfy { $0.hasPrefix("t.yaml:") && $0.split(separator: ":").count >= 4 }, "every issue has its place: \(found)")
    }

    @Test func portCollisionsAndSharedIdentitiesAreRefused() {
        // hank has port 9000, carol 9001.
        let collision = issues(Self.carol.replacingOccurrences(of: "ca: pki/ca.crt", with: "ca: pki/ca.crt\n      port: 9000"))
        #expect(collision.contains { $0.contains("HTTPS port 9000 is already hank's port") }, "\(collision)")
        let shared = issues("  - name: carol\n    encryptors:\n      - name: sam\n      - name: sue\n        certificate_identity: cn:sam\n")
        #expect(shared.contains { $0.hasPrefix("t.yaml:10:31: clients[0].encryptors[1].certificate_identity: encryptors 'sam' and 'sue' have the same certificate identity cn:sam") }, "\(shared)")
    }

    @Test func shippedExampleIsValid() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/examples/dske-config.tls.yaml").path
        let config = try DSKEConfiguration.load(path: path, checkFiles: false)
        #expect(config.clients.filter { $0.tls != nil }.map(\.name) == ["carol", "celia", "connie", "curtis"])
        #expect(config.client(named: "curtis")?.tls?.port == 9109)
        #expect(config.encryptorIdentities["susan"] == CertificateIdentity(kind: .uri, value: "urn:dske:sae:susan"))
    }
}
