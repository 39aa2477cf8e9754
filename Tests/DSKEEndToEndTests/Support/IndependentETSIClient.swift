import Foundation
import Testing

/// An ETSI GS QKD 014 client this project did not write: `etsi-qkd-014-client` from PyPI
/// (LIP6's QKD014Client, over `requests` with client certificates), installed with pip into a
/// virtual environment kept between runs (under ~/.cache, as the reference's requirements are).
enum IndependentETSIClient {
    static let package = "etsi-qkd-014-client==0.9.0"
    static let probe = "import etsi_qkd_014_client"

    /// Serialised so pip runs once however many tests ask at once.
    private actor Installer {
        private var installation: Task<String, any Error>?

        func python() async throws -> String {
            if let installation { return try await installation.value }
            let task = Task { try await Self.install() }
            installation = task
            return try await task.value
        }

        private static func install() async throws -> String {
            let base = ProcessInfo.processInfo.environment["XDG_CACHE_HOME"]
                ?? (ProcessInfo.processInfo.environment["HOME"].map { "\($0)/.cache" } ?? "/tmp")
            let venv = "\(base)/dske-etsi-client-venv"
            let python = "\(venv)/bin/python"
            if FileManager.default.isExecutableFile(atPath: python),
               try await DSKEProcess.run(executable: python, ["-c", probe]).status == 0 {
                return python
            }
            let create = try await DSKEProcess.run(executable: "/usr/bin/env", ["python3", "-m", "venv", "--clear", venv])
            try #require(create.status == 0, "cannot create a virtual environment for the ETSI client: \(create)")
            print("installing the independent ETSI 014 client with pip: \(package)")
            let install = try await DSKEProcess.run(
                executable: python, ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", package],
                timeout: .seconds(600))
            try #require(install.status == 0, "pip install \(package) failed: \(install)")
            return python
        }
    }

    private static let installer = Installer()

    static func python() async throws -> String { try await installer.python() }
}
