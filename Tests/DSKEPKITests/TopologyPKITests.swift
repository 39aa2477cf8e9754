import DSKEConfig
import DSKEPKI
import Foundation
import Testing
import X509

/// `dske pki`'s library: the files it writes, their modes and names, and a CA kept across runs.
struct TopologyPKITests {
    let directory: String
    let configuration: DSKEConfiguration

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("dske-pki-\(UUID().uuidString)").path
        configuration = try DSKEConfiguration.parse(yaml: """
            min_nr_shares: 1
            host: 10.1.2.3
            hubs: [{name: hank}]
            clients:
              - name: carol
                encryptors:
                  - name: sam
                  - name: sue
                    certificate_identity: uri:urn:dske:sue
            """, sourceName: "t.yaml", baseDirectory: directory)
    }

    func certificate(_ path: String) throws -> Certificate {
        try Certificate(pemEncoded: try String(contentsOfFile: path, encoding: .utf8))
    }

    func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    @Test func writesACAAndACertificatePerKMEAndSAEWithPrivateKeys0600() throws {
        let summary = try TopologyPKI.write(configuration: configuration, directory: directory + "/pki", days: 10)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let layout = summary.layout
        #expect(summary.createdCA && summary.kmes == ["carol"] && summary.saes == ["sam", "sue"])
        for key in [layout.caKey, layout.kmeKey("carol"), layout.saeKey("sam"), layout.saeKey("sue")] {
            #expect(try mode(key) == 0o600, "\(key)")
        }
        let ca = try certificate(layout.caCertificate)
        let kme = try certificate(layout.kmeCertificate("carol"))
        #expect(kme.issuer == ca.subject)
        #expect(kme.subject.description.contains("CN=carol"))
        let kmeNames = try #require(try kme.extensions.subjectAlternativeNames)
        #expect(kmeNames.contains(.dnsName("localhost")))
        #expect(kmeNames.contains(.ipAddress(.init(contentBytes: [10, 1, 2, 3]))), "the configured host is a SAN")
        #expect(try certificate(layout.saeCertificate("sam")).subject.description.contains("CN=sam"))
        let sue = try certificate(layout.saeCertificate("sue"))
        #expect(try sue.extensions.subjectAlternativeNames?.contains(.uniformResourceIdentifier("urn:dske:sue")) == true)
        #expect(kme.notValidAfter.timeIntervalSinceNow > 9 * 86400 && kme.notValidAfter.timeIntervalSinceNow < 11 * 86400)
    }

    @Test func aSecondRunKeepsTheCAAndRenewsTheLeaves() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try TopologyPKI.write(configuration: configuration, directory: directory + "/pki", days: 10)
        let ca = try String(contentsOfFile: first.layout.caCertificate, encoding: .utf8)
        let sam = try String(contentsOfFile: first.layout.saeCertificate("sam"), encoding: .utf8)
        let second = try TopologyPKI.write(configuration: configuration, directory: directory + "/pki", days: 10)
        #expect(!second.createdCA)
        #expect(try String(contentsOfFile: second.layout.caCertificate, encoding: .utf8) == ca)
        #expect(try String(contentsOfFile: second.layout.saeCertificate("sam"), encoding: .utf8) != sam)
        #expect(try certificate(second.layout.saeCertificate("sam")).issuer == (try certificate(second.layout.caCertificate)).subject)
    }

    @Test func anExpiredCertificateCanBeIssuedForTests() throws {
        let authority = try CertificateAuthority.create(days: 1)
        let now = Date()
        let expired = try authority.issue(commonName: "sam", usage: .sae, notBefore: now.addingTimeInterval(-7200),
                                          notAfter: now.addingTimeInterval(-3600))
        #expect(expired.certificate.notValidAfter < now)
        #expect(throws: PKIError.self) { try authority.issue(commonName: "x", ipAddresses: ["not-an-ip"], usage: .kme) }
    }
}
