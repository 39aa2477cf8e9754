import Foundation
import Testing

/// The Python reference (brunorijsman/dske-python), run as real processes for the interop tests.
///
/// Its source is never part of this repository: each run materialises it from the read-only git
/// mirror into a scratch directory (`git archive HEAD | tar -x`). Where the mirror is absent (CI
/// machines have no copy, and only package registries are reachable there) the interop tests are
/// skipped with a loud message. Its runtime requirements are installed with pip, at the versions
/// its requirements.txt pins, into a virtual environment kept between runs.
enum ReferenceImplementation {
    static let mirror: String? = {
        let candidates = [ProcessInfo.processInfo.environment["DSKE_REFERENCE_MIRROR"],
                          "/work/.mirror/brunorijsman+dske-python/repo"].compactMap { $0 }
        for path in candidates {
            if FileManager.default.fileExists(atPath: "\(path)/.git/HEAD") { return "\(path)/.git" }
            if FileManager.default.fileExists(atPath: "\(path)/HEAD") { return path }
        }
        return nil
    }()

    static var isAvailable: Bool {
        if mirror == nil {
            let banner = String(repeating: "!", count: 78)
            print("""
                \(banner)
                INTEROP TESTS SKIPPED: no git mirror of the Python reference (brunorijsman/dske-python)
                on this machine (looked for DSKE_REFERENCE_MIRROR and /work/.mirror/...). They need
                its source, which this repository does not carry.
                \(banner)
                """)
        }
        return mirror != nil
    }

    /// The Python packages the reference imports at run time (names as in its requirements.txt).
    static let runtimeRequirements = ["fastapi", "uvicorn", "httpx", "pydantic", "bitarray", "cerberus", "pyyaml"]

    /// A prepared copy: source directory and the python to run it with.
    struct Installation: Sendable {
        let source: String
        let python: String
    }

    /// Extracts the reference into `directory`/reference and makes sure its requirements are
    /// importable, installing them into a cached virtual environment if they are not.
    static func prepare(in directory: String) async throws -> Installation {
        let mirror = try #require(mirror)
        let source = "\(directory)/reference"
        try FileManager.default.createDirectory(atPath: source, withIntermediateDirectories: true)
        let extract = try await DSKEProcess.run(
            executable: "/bin/sh", ["-c", "git --git-dir='\(mirror)' archive HEAD | tar -x -C '\(source)'"])
        try #require(extract.status == 0, "cannot extract the reference: \(extract)")
        let python = try await pythonWithRequirements(source: source)
        return Installation(source: source, python: python)
    }

    private static let imports = "import fastapi, uvicorn, httpx, pydantic, bitarray, cerberus, yaml"

    private static let environment = PythonEnvironment(
        name: "dske-reference-venv", probe: imports, purpose: "the reference's requirements")

    static func pythonWithRequirements(source: String) async throws -> String {
        // The system's python3 will do when it has the packages already.
        if try await DSKEProcess.run(executable: "/usr/bin/env", ["python3", "-c", imports]).status == 0 { return "python3" }
        return try await environment.python {
            // The versions its requirements.txt pins, for the packages it imports at run time.
            let pinned = (try? String(contentsOfFile: "\(source)/requirements.txt", encoding: .utf8))?
                .split(whereSeparator: \.isNewline).map(String.init)
                .filter { line in runtimeRequirements.contains { line.lowercased().hasPrefix($0 + "==") } } ?? []
            return pinned.count == runtimeRequirements.count ? pinned : runtimeRequirements
        }
    }

    /// Starts `python -m hub|client ARGS` in the reference source directory, logging to
    /// `log`; the network's teardown ends it.
    static func start(_ installation: Installation, module: String, _ arguments: [String],
                      log: String, network: TestNetwork) async throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [installation.python, "-m", module] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: installation.source)
        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONUNBUFFERED"] = "1"
        environment["PYTHONDONTWRITEBYTECODE"] = "1"
        process.environment = environment
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        await network.extraProcesses.add(process)
        return process
    }

    /// Waits until `url` answers 200 (a reference node's mgmt status).
    static func waitUntilUp(_ url: String, process: Process, log: String) async throws {
        for _ in 0..<300 {
            if !process.isRunning {
                throw NetworkError("reference node exited: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
            }
            if let reply = try? await HTTP.get(url), reply.status == 200 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw NetworkError("reference node at \(url) did not come up")
    }
}
