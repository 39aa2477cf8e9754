import ArgumentParser
import DSKEConfig
import DSKEPKI
import Foundation

/// `dske pki`: a CA and a certificate and key per KME and per SAE of the topology, for tests and
/// demos of the key delivery interface over mutual TLS (docs/tls.md).
struct PKICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pki",
        abstract: "Create a CA and TLS certificates for every KME and SAE of the topology (tests, demos).",
        discussion: """
            Writes DIR/ca.crt and DIR/ca.key (kept when they exist, so earlier certificates stay \
            valid), DIR/kme/NAME.crt and .key for each client (KME; names localhost, 127.0.0.1, \
            ::1 and the configured host) and DIR/sae/NAME.crt and .key for each encryptor (SAE; \
            carries its certificate_identity, by default CN=SAE ID). P-256 keys, PEM, private \
            keys mode 0600. A real deployment uses its own CA: see docs/tls.md.
            """
    )

    @Option(name: .long, help: ArgumentHelp("Directory to write the files to.", valueName: "dir"))
    var out: String

    @Option(name: .long, help: ArgumentHelp("Validity of new certificates in days.", valueName: "n"))
    var days: Int = 365

    @OptionGroup var options: ConfigOptions

    func run() async throws {
        try await reportingErrors { () async throws(CLIError) in
            // The TLS files the configuration names are the ones this command makes.
            let configuration: DSKEConfiguration
            do throws(ConfigError) {
                configuration = try DSKEConfiguration.load(path: options.absolutePath, checkFiles: false)
            } catch {
                throw CLIError(.configuration, error.issues.map(\.description).joined(separator: "; "))
            }
            let directory = URL(fileURLWithPath: out, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
                .standardizedFileURL.path
            let summary: TopologyPKI.Summary
            do throws(PKIError) {
                summary = try TopologyPKI.write(configuration: configuration, directory: directory, days: days)
            } catch {
                throw CLIError(.failure, error.description)
            }
            print("\(summary.createdCA ? "created" : "kept") CA \(summary.layout.caCertificate)")
            print("KME certificates: \(summary.kmes.joined(separator: ", ")) in \(directory)/kme")
            print("SAE certificates: \(summary.saes.joined(separator: ", ")) in \(directory)/sae")
        }
    }
}
