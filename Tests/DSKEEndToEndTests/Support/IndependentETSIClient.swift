import Foundation
import Testing

/// An ETSI GS QKD 014 client this project did not write: `etsi-qkd-014-client` from PyPI
/// (LIP6's QKD014Client, over `requests` with client certificates), installed with pip into a
/// virtual environment kept between runs (under ~/.cache, as the reference's requirements are).
enum IndependentETSIClient {
    static let package = "etsi-qkd-014-client==0.9.0"
    static let probe = "import etsi_qkd_014_client"

    private static let environment = PythonEnvironment(
        name: "dske-etsi-client-venv", probe: probe, purpose: "the independent ETSI 014 client")

    static func python() async throws -> String { try await environment.python { [package] } }
}
