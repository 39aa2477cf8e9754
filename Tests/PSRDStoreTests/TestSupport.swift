#if canImport(Darwin)
import Darwin
#else
import Glibc
#endif
import Foundation
import Testing

/// A fresh directory under the system temporary directory, removed when the value goes away.
final class TemporaryDirectory {
    let path: String

    init() throws {
        var template = Array((NSTemporaryDirectory() + "/psrd-store-test-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw POSIXError(.EIO) }
        path = String(cString: made)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// Finds the `psrd-torture` executable: next to the test bundle (where `swift test` builds every
/// product), else in the package's .build/debug, else builds it.
enum TortureExecutable {
    static let name = "psrd-torture"

    static func locate() throws -> URL {
        let packageRoot = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var directories: [URL] = []
        if let executable = Bundle.main.executableURL { directories.append(executable.deletingLastPathComponent()) }
        directories.append(Bundle.main.bundleURL)
        directories.append(Bundle.main.bundleURL.deletingLastPathComponent())
        let fallback = packageRoot.appendingPathComponent(".build/debug")
        directories.append(fallback)
        for directory in directories {
            let candidate = directory.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        // Not built (a filtered or unusual build): build it. If SwiftPM's lock on .build is held
        // by the `swift test` running us this waits; `swift build --build-tests` avoids that path.
        let build = Process()
        build.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        build.arguments = ["swift", "build", "--product", name]
        build.currentDirectoryURL = packageRoot
        try build.run()
        // SwiftPM may hold its lock for the whole of the `swift test` that runs us: do not wait
        // for ever.
        let deadline = Date().addingTimeInterval(900)
        while build.isRunning && Date() < deadline { usleep(100_000) }
        if build.isRunning { build.terminate() }
        build.waitUntilExit()
        let candidate = fallback.appendingPathComponent(name)
        guard build.terminationStatus == 0, FileManager.default.isExecutableFile(atPath: candidate.path) else {
            throw TortureNotFound(searched: directories.map(\.path))
        }
        return candidate
    }

    struct TortureNotFound: Error, CustomStringConvertible {
        let searched: [String]
        var description: String {
            "psrd-torture not found in \(searched) and `swift build --product psrd-torture` failed"
        }
    }
}

/// A child process whose stdout and stderr go to files, so that everything it wrote before a
/// SIGKILL can be read afterwards.
final class ChildProcess {
    private let process = Process()
    private let outputPath: String
    private let errorPath: String
    /// Bound on waits, so a hung child fails the test instead of hanging it.
    private static let patience: TimeInterval = 120

    init(executable: URL, arguments: [String], directory: String, run: Int) throws {
        outputPath = "\(directory)/run-\(run).out"
        errorPath = "\(directory)/run-\(run).err"
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
        process.executableURL = executable
        process.arguments = arguments
        process.standardOutput = FileHandle(forWritingAtPath: outputPath)
        process.standardError = FileHandle(forWritingAtPath: errorPath)
        try process.run()
    }

    func kill() {
        if process.isRunning { killProcess(process.processIdentifier) }
        process.waitUntilExit()
    }

    func wait() {
        let deadline = Date().addingTimeInterval(Self.patience)
        while process.isRunning && Date() < deadline { usleep(2_000) }
        if process.isRunning {
            Issue.record("child did not finish within \(Self.patience) s: killing it")
            kill()
        }
        process.waitUntilExit()
    }

    var exitStatus: Int32 { process.terminationStatus }

    /// Waits until stdout has a line starting with `prefix` or the child exits.
    @discardableResult
    func waitForLine(_ prefix: String) -> Bool {
        let deadline = Date().addingTimeInterval(Self.patience)
        while Date() < deadline {
            if outputLines().contains(where: { $0.hasPrefix(prefix) }) { return true }
            if !process.isRunning { return outputLines().contains(where: { $0.hasPrefix(prefix) }) }
            usleep(1_000)
        }
        return false
    }

    func outputLines() -> [String] {
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map(String.init)
    }

    func errorOutput() -> String {
        String(((try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? "").suffix(2000))
    }
}

private func killProcess(_ pid: pid_t) {
    _ = kill(pid, SIGKILL)
}

/// Block fixtures shared by the store tests.
enum Fixture {
    static func uuid(_ n: Int) -> UUID {
        UUID(uuidString: String(format: "00000000-0000-4000-8000-%012x", n))!
    }

    /// Never-zero bytes, so an erased byte is always visible.
    static func bytes(_ count: Int, seed: Int = 0) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: ($0 &* 131 &+ seed &* 17) % 255 + 1) }
    }

    static func fileBytes(_ path: String) -> [UInt8]? {
        FileManager.default.contents(atPath: path).map { [UInt8]($0) }
    }

    static func mode(_ path: String) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? nil
    }
}
