import Foundation

/// Runs a program as a child process and collects what it printed: psrd-courier itself, and
/// the devices/usb scripts that make and mount the stick images.
enum Command {
    struct Result: Sendable, CustomStringConvertible {
        let status: Int32
        let stdout: String
        let stderr: String
        var description: String { "exit \(status)\nstdout: \(stdout)\nstderr: \(stderr)" }
        var succeeded: Bool { status == 0 }
    }

    /// The repository root (this file is Tests/CourierCLITests/Support/Command.swift).
    static let root: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    /// The psrd-courier built next to the test runner (`swift build --build-tests` builds both
    /// into .build/debug), or PSRD_COURIER_EXECUTABLE.
    static let courier: String = {
        if let path = ProcessInfo.processInfo.environment["PSRD_COURIER_EXECUTABLE"] { return path }
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var directory = URL(fileURLWithPath: me).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("psrd-courier").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory.deleteLastPathComponent()
        }
        return root + "/.build/debug/psrd-courier"
    }()

    static func usbScript(_ name: String) -> String { root + "/devices/usb/" + name }

    /// Runs and waits, killing the child after `timeout`. Output goes through files, not pipes,
    /// so a large output never blocks the child.
    static func run(_ executable: String, _ arguments: [String], directory: String? = nil,
                    environment: [String: String] = [:], timeout: Duration = .seconds(300)) throws -> Result {
        let process = try start(executable, arguments, directory: directory, environment: environment)
        return process.wait(timeout: timeout)
    }

    struct SpawnFailed: Error, CustomStringConvertible {
        let description: String
    }

    /// A started child process.
    ///
    /// posix_spawn and waitpid rather than Foundation's Process: Process learns of a child's
    /// exit through a dispatch queue, which tests blocked in waits (on 2 cores) can starve.
    final class Running: @unchecked Sendable {
        let pid: pid_t
        let scratch: String

        init(pid: pid_t, scratch: String) {
            self.pid = pid
            self.scratch = scratch
        }

        func wait(timeout: Duration = .seconds(300)) -> Result {
            let deadline = ContinuousClock.now + timeout
            var status: Int32 = 0
            while true {
                let result = waitpid(pid, &status, WNOHANG)
                if result == pid || (result < 0 && errno != EINTR) { break }
                if ContinuousClock.now > deadline { kill(pid, SIGKILL) }
                usleep(5_000)
            }
            defer { try? FileManager.default.removeItem(atPath: scratch) }
            let exit = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
            return Result(status: exit,
                          stdout: (try? String(contentsOfFile: scratch + "/stdout", encoding: .utf8)) ?? "",
                          stderr: (try? String(contentsOfFile: scratch + "/stderr", encoding: .utf8)) ?? "")
        }
    }

    static func start(_ executable: String, _ arguments: [String], directory: String? = nil,
                      environment: [String: String] = [:]) throws -> Running {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("courier-cli-out-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, scratch + "/stdout", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, scratch + "/stderr", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        // env -C: the working directory without posix_spawn_file_actions_addchdir_np, which
        // Swift's Glibc module does not export.
        let command = directory.map { ["/usr/bin/env", "-C", $0, executable] } ?? [executable]
        let argv = (command + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        let merged = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in envp { free(pointer) } }
        var pid: pid_t = 0
        let code = posix_spawn(&pid, command[0], &actions, nil, argv, envp)
        guard code == 0 else { throw SpawnFailed(description: "cannot start \(executable): \(String(cString: strerror(code)))") }
        return Running(pid: pid, scratch: scratch)
    }
}
