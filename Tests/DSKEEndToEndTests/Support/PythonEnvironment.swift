import Foundation
import Testing

/// A Python virtual environment under ~/.cache (kept between runs), filled with pip the first
/// time a test asks for it. Installation is serialised through one task, so pip runs once however
/// many tests ask at once (an actor alone would let a second caller in while the first awaits pip).
actor PythonEnvironment {
    /// The directory name under the cache directory.
    let name: String
    /// Python code that succeeds when the packages are importable.
    let probe: String
    /// What the packages are for, in the messages.
    let purpose: String
    private var installation: Task<String, any Error>?

    init(name: String, probe: String, purpose: String) {
        self.name = name
        self.probe = probe
        self.purpose = purpose
    }

    /// The environment's python, installing `packages()` first when the probe fails.
    func python(packages: @escaping @Sendable () -> [String]) async throws -> String {
        if let installation { return try await installation.value }
        let (name, probe, purpose) = (name, probe, purpose)
        let task = Task { try await Self.install(name: name, probe: probe, purpose: purpose, packages: packages()) }
        installation = task
        return try await task.value
    }

    private static func install(name: String, probe: String, purpose: String, packages: [String]) async throws -> String {
        let base = ProcessInfo.processInfo.environment["XDG_CACHE_HOME"]
            ?? (ProcessInfo.processInfo.environment["HOME"].map { "\($0)/.cache" } ?? "/tmp")
        let venv = "\(base)/\(name)"
        let python = "\(venv)/bin/python"
        if FileManager.default.isExecutableFile(atPath: python),
           try await DSKEProcess.run(executable: python, ["-c", probe]).status == 0 {
            return python
        }
        let create = try await DSKEProcess.run(executable: "/usr/bin/env", ["python3", "-m", "venv", "--clear", venv])
        try #require(create.status == 0, "cannot create a virtual environment for \(purpose): \(create)")
        print("installing \(purpose) with pip: \(packages.joined(separator: " "))")
        let install = try await DSKEProcess.run(
            executable: python, ["-m", "pip", "install", "--quiet", "--disable-pip-version-check"] + packages,
            timeout: .seconds(600))
        try #require(install.status == 0, "pip install of \(purpose) failed: \(install)")
        return python
    }
}
