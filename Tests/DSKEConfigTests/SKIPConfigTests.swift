import DSKEConfig
import Foundation
import Testing

/// `skip_port` in a client's `tls` section: SKIP on its own port, refused where another listener is.
/// A class, so that its deinit removes the scratch directory after each test.
final class SKIPConfigTests {
    let directory: String

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("dske-skip-config-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for file in ["ca.crt", "carol.crt", "carol.key"] {
            FileManager.default.createFile(atPath: "\(directory)/\(file)", contents: Data("x".utf8))
        }
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    func parse(tls extra: String) throws(ConfigError) -> DSKEConfiguration {
        let yaml = """
            base_port: 9000
            min_nr_shares: 1
            hubs:
              - name: hank
            clients:
              - name: carol
                tls: {certificate: carol.crt, private_key: carol.key, ca: ca.crt\(extra)}

            """
        return try DSKEConfiguration.parse(yaml: yaml, sourceName: "t.yaml", baseDirectory: directory)
    }

    @Test func skipPortIsReadAndOptional() throws {
        #expect(try parse(tls: ", skip_port: 9443").client(named: "carol")?.tls?.skipPort == 9443)
        #expect(try parse(tls: "").client(named: "carol")?.tls?.skipPort == nil)
    }

    @Test func skipPortMustBeFreeAndAPort() {
        // 9000 is hank's port, 9001 carol's, 10001 carol's default HTTPS port.
        for (extra, fragment) in [(", skip_port: 9000", "hank"), (", skip_port: 10001", "carol (HTTPS)"),
                                  (", skip_port: 70000", "skip_port"), (", skip_port: x", "skip_port")] {
            do {
                _ = try parse(tls: extra)
                Issue.record("accepted \(extra)")
            } catch {
                #expect(error.issues.contains { $0.description.contains(fragment) }, "\(extra): \(error)")
            }
        }
    }
}
