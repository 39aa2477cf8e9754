import Foundation
import Testing

/// The project's virtual card (devices/virtual-card) for the psrd-courier card tests, driven as
/// PCSCTests drive it: reader 1 ("Virtual PCD 00 01"), a fresh state file and a run directory
/// of its own, `down` at the end. These suites share pcscd and that reader with PCSCTests, so
/// they run serialized and on their own (the Makefile's `test` runs them after the rest).
final class CardFixture: @unchecked Sendable {
    static let readerIndex = "1"
    static let script = Command.root + "/devices/virtual-card/vcardctl.py"

    let runDirectory: String
    let reader: String

    init(capacity: Int? = nil) throws {
        runDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("courier-card-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: runDirectory, withIntermediateDirectories: true)
        var arguments = ["up", "--run", runDirectory, "--reader", Self.readerIndex, "--state", runDirectory + "/card.json"]
        if let capacity { arguments += ["--capacity", String(capacity)] }
        let result = try Self.control(arguments)
        guard result.succeeded else {
            _ = try? Self.control(["down", "--run", runDirectory])
            throw Command.SpawnFailed(description: "devices/virtual-card/up failed: \(result.stderr)\(result.stdout)")
        }
        reader = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Stops the card and the pcscd `up` started.
    func down() {
        _ = try? Self.control(["down", "--run", runDirectory])
        if ProcessInfo.processInfo.environment["DSKE_KEEP_CARD_RUN"] == nil {
            try? FileManager.default.removeItem(atPath: runDirectory)
        }
    }

    /// Takes the card out; with `afterUpdates`, during UPDATE BINARY number `afterUpdates + 1`.
    func pull(afterUpdates: Int? = nil) throws {
        var arguments = ["pull", "--run", runDirectory, "--reader", Self.readerIndex]
        arguments += afterUpdates.map { ["--after-updates", String($0)] } ?? ["--wait"]
        let result = try Self.control(arguments)
        try #require(result.succeeded, "pull: \(result)")
    }

    func insert() throws {
        let result = try Self.control(["insert", "--run", runDirectory, "--reader", Self.readerIndex, "--wait"])
        try #require(result.succeeded, "insert: \(result)")
    }

    /// Runs `body` with a card up, and always brings it down.
    static func with<T>(capacity: Int? = nil, _ body: (CardFixture) async throws -> T) async throws -> T {
        let card = try CardFixture(capacity: capacity)
        defer { card.down() }
        return try await body(card)
    }

    /// Runs `body` with a card up and enrolled as carol at hank (PIN in the workspace's
    /// `pin` file); returns what `body` does.
    static func withCarol<T>(capacity: Int? = nil, _ body: (CardFixture, Workspace, _ pinFile: String) async throws -> T) async throws -> T {
        try await with(capacity: capacity) { card in
            let workspace = try Workspace()
            let pin = try workspace.secretFile("pin", CardCLITests.pin)
            _ = try workspace.enrolCard("carol", at: "hank", pinFile: pin, card: card)
            return try await body(card, workspace, pin)
        }
    }

    static func control(_ arguments: [String]) throws -> Command.Result {
        try Command.run("/usr/bin/env", ["python3", script] + arguments, timeout: .seconds(60))
    }
}

extension Workspace {
    /// A 0600 file holding one line (a PIN or a PUK) in the workspace.
    func secretFile(_ name: String, _ value: String) throws -> String {
        let file = path(name)
        _ = FileManager.default.createFile(atPath: file, contents: Data((value + "\n").utf8), attributes: [.posixPermissions: 0o600])
        return file
    }

    /// `enrol --card` for `client` at `hub` with the PIN in `pinFile`; returns the PUK printed.
    func enrolCard(_ client: String, at hub: String, pinFile: String, card: CardFixture) throws -> String {
        let result = try courier("enrol", "--hub", hub, "--client", client, "--card", "--reader", card.reader, "--pin-file", pinFile)
        try #require(result.succeeded, "enrol --card failed: \(result)")
        let line = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("PUK: ") }, "\(result)")
        return String(try #require(line.dropFirst(5).split(separator: " ").first))
    }

    /// `issue --hub hank --client carol --to card:READER --size SIZE --pin-file PIN`.
    func issueToCard(_ size: String, pinFile: String, reader: String = "", extra: [String] = []) throws -> Command.Result {
        try courier(["issue", "--hub", "hank", "--client", "carol", "--to", "card:" + reader, "--size", size,
                     "--pin-file", pinFile] + extra)
    }

    /// A plain directory standing in for the stick (the USB paths are FlowTests' subject).
    func medium(_ name: String = "medium") throws -> String {
        let directory = path(name)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }
}
