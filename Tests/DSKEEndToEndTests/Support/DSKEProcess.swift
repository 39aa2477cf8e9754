import Foundation

/// Runs the built `dske` executable as a child process and collects what it printed.
enum DSKEProcess {
    struct Result: Sendable, CustomStringConvertible {
        let status: Int32
        let stdout: String
        let stderr: String
        var description: String { "exit \(status)\nstdout: \(stdout)\nstderr: \(stderr)" }
    }

    /// The `dske` next to the test bundle (`swift build --build-tests` builds both into
    /// .build/debug), or DSKE_EXECUTABLE.
    static let executable: String = {
        if let path = ProcessInfo.processInfo.environment["DSKE_EXECUTABLE"] { return path }
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var directory = URL(fileURLWithPath: me).deletingLastPathComponent()
        // On Linux the test runner is .build/debug/<package>PackageTests.xctest itself; on macOS
        // it sits inside the bundle.
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("dske").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory.deleteLastPathComponent()
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/dske").path
    }()

    /// Runs `dske ARGUMENTS` and waits for it, killing it after `timeout`.
    static func run(_ arguments: [String], timeout: Duration = .seconds(120),
                    environment: [String: String] = [:]) async throws -> Result {
        try await run(executable: executable, arguments, timeout: timeout, environment: environment)
    }

    static func run(executable: String, _ arguments: [String], timeout: Duration = .seconds(120),
                    environment: [String: String] = [:], directory: String? = nil) async throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        // Files, not pipes: nodes started by `dske start` inherit nothing from us, but a pipe
        // left open by any grandchild would keep a reader waiting forever.
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("dske-e2e-out-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("stdout"), errURL = scratch.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        let exited = AsyncStream<Void>.makeStream()
        process.terminationHandler = { _ in exited.continuation.yield(); exited.continuation.finish() }
        try process.run()
        let killer = Task {
            try await Task.sleep(for: timeout)
            process.terminate()
            try await Task.sleep(for: .seconds(5))
            kill(process.processIdentifier, SIGKILL)
        }
        for await _ in exited.stream {}
        killer.cancel()
        try? out.close()
        try? err.close()
        return Result(status: process.terminationStatus,
                      stdout: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
                      stderr: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "")
    }
}
