import Foundation
import Testing

/// psrd-courier against a test network: the executable, and the enrol / issue / import steps of
/// courier mode with a plain directory standing in for the USB medium (`--allow-any-target`).
extension TestNetwork {
    /// The `psrd-courier` next to the `dske` the tests run (same build), or PSRD_COURIER_EXECUTABLE.
    static let courierExecutable: String = ProcessInfo.processInfo.environment["PSRD_COURIER_EXECUTABLE"]
        ?? URL(fileURLWithPath: DSKEProcess.executable).deletingLastPathComponent().appendingPathComponent("psrd-courier").path

    func courier(_ arguments: [String]) async throws -> DSKEProcess.Result {
        try await DSKEProcess.run(executable: Self.courierExecutable, arguments + ["--config", configPath], timeout: .seconds(120))
    }

    /// `psrd-courier ARGUMENTS`, which must succeed.
    @discardableResult
    func mustCourier(_ arguments: String...) async throws -> DSKEProcess.Result {
        let result = try await courier(arguments)
        guard result.status == 0 else { throw NetworkError("psrd-courier \(arguments.joined(separator: " ")): \(result)") }
        return result
    }

    var medium: String { "\(directory)/medium" }
    func keyFile(client: String, hub: String) -> String { "\(directory)/keys/\(client)-\(hub).key" }
    /// One directory per pair on the medium: a client's key file opens only its own hub's bundles.
    func mediumDirectory(client: String, hub: String) -> String { "\(medium)/\(client)-\(hub)" }

    /// Enrols `client` at `hub` and issues the pair a bundle of `size` onto the medium (the hub's
    /// copy goes to its courier inbox).
    func enrolAndIssue(client: String, hub: String, size: String) async throws {
        try FileManager.default.createDirectory(atPath: "\(directory)/keys", withIntermediateDirectories: true)
        try await mustCourier("enrol", "--hub", hub, "--client", client, "--key-file", keyFile(client: client, hub: hub))
        try await issue(client: client, hub: hub, size: size)
    }

    func issue(client: String, hub: String, size: String) async throws {
        let target = mediumDirectory(client: client, hub: hub)
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        try await mustCourier("issue", "--hub", hub, "--client", client, "--to", target, "--size", size, "--allow-any-target")
    }

    /// The client's import of its pair's bundle from the medium (wiped there afterwards).
    @discardableResult
    func importAtClient(_ client: String, hub: String) async throws -> DSKEProcess.Result {
        try await mustCourier("import", "--from", mediumDirectory(client: client, hub: hub), "--node", client,
                              "--key-file", keyFile(client: client, hub: hub), "--wipe")
    }

    /// The hub's import of every copy in its courier inbox.
    @discardableResult
    func importAtHub(_ hub: String) async throws -> DSKEProcess.Result {
        try await mustCourier("import", "--node", hub)
    }
}
