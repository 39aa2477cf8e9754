#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

/// The project's virtual card (devices/virtual-card) driven from tests: `up` with a fresh state
/// file, `pull`/`insert`, `down` at the end. Tests use reader 1 ("Virtual PCD 00 01") and their
/// own run directory, so a card a person started by hand in reader 0 is left alone.
final class VirtualCard {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let readerIndex = 1
    static let script = packageRoot.appendingPathComponent("devices/virtual-card/vcardctl.py").path

    let runDirectory: String
    let statePath: String
    private(set) var reader = ""

    init(capacity: Int? = nil, extended: Bool = true) throws {
        var template = Array((NSTemporaryDirectory() + "/dske-card-test-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw POSIXError(.EIO) }
        runDirectory = String(cString: made)
        statePath = runDirectory + "/card.json"
        var arguments = ["up", "--run", runDirectory, "--reader", String(VirtualCard.readerIndex),
                         "--state", statePath]
        if let capacity { arguments += ["--capacity", String(capacity)] }
        if !extended { arguments.append("--no-extended") }
        let result = try VirtualCard.control(arguments)
        guard result.status == 0 else {
            _ = try? VirtualCard.control(["down", "--run", runDirectory])
            throw Failure(message: "devices/virtual-card/up failed: \(result.output)")
        }
        reader = result.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Stops the card and, if `up` started it, pcscd.
    func down() {
        _ = try? VirtualCard.control(["down", "--run", runDirectory])
        // DSKE_KEEP_CARD_RUN=1 keeps the logs (card.log, pcscd.log) for a look after a failure.
        if ProcessInfo.processInfo.environment["DSKE_KEEP_CARD_RUN"] == nil {
            try? FileManager.default.removeItem(atPath: runDirectory)
        }
    }

    /// Takes the card out now and waits until pcscd sees the reader empty.
    func pull() throws {
        try expectSuccess(["pull", "--run", runDirectory, "--reader", String(VirtualCard.readerIndex), "--wait"])
    }

    /// Lets `updates` UPDATE BINARY commands through, then drops off during the next one.
    func pull(afterUpdates updates: Int, tear: Bool = false) throws {
        var arguments = ["pull", "--run", runDirectory, "--reader", String(VirtualCard.readerIndex),
                         "--after-updates", String(updates)]
        if tear { arguments.append("--tear") }
        try expectSuccess(arguments)
    }

    /// Puts the card back and waits until pcscd sees it.
    func insert() throws {
        try expectSuccess(["insert", "--run", runDirectory, "--reader", String(VirtualCard.readerIndex), "--wait"])
    }

    private func expectSuccess(_ arguments: [String]) throws {
        let result = try VirtualCard.control(arguments)
        guard result.status == 0 else { throw Failure(message: "vcardctl \(arguments[0]): \(result.output)") }
    }

    /// The card's state file as JSON (to check what the card itself holds).
    func state() throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: statePath))
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    /// Runs `body` with a card that is up, and always brings it down.
    static func with<T>(capacity: Int? = nil, extended: Bool = true,
                        _ body: (VirtualCard) throws -> T) throws -> T {
        let card = try VirtualCard(capacity: capacity, extended: extended)
        defer { card.down() }
        return try body(card)
    }

    static func control(_ arguments: [String]) throws -> (status: Int32, output: String) {
        try run("/usr/bin/env", ["python3", script] + arguments)
    }

    /// Runs a program, stdout and stderr together; output goes through a file, not a pipe, so
    /// a daemon it starts cannot keep us waiting for end-of-file.
    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let outputPath = NSTemporaryDirectory() + "/dske-card-test-out-\(UUID().uuidString)"
        FileManager.default.createFile(atPath: outputPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try output.close()
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        return (process.terminationStatus, text)
    }

    /// True when a pcscd that no test started is running (then "pcscd not running" cannot be
    /// shown without stopping somebody else's daemon).
    static func foreignPcscdRunning() -> Bool {
        guard let text = try? String(contentsOfFile: "/run/pcscd/pcscd.pid", encoding: .utf8),
              let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) else { return false }
        return kill(pid, 0) == 0
    }

    struct Failure: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }
}
