import Foundation
import Testing

/// Usage and configuration errors exit 2 with one line that says what to fix; nothing is
/// attempted.
@Suite struct UsageTests {
    static func expectUsage(_ work: Workspace, _ arguments: [String], _ phrase: String) throws {
        let result = try work.courier(arguments)
        #expect(result.status == 2, "\(arguments): \(result)")
        #expect(result.stderr.hasPrefix("psrd-courier: ") && result.stderr.contains(phrase), "\(arguments): \(result)")
    }

    @Test func badNamesOptionsAndConfiguration() throws {
        let work = try Workspace()
        try Self.expectUsage(work, ["enrol", "--hub", "carol", "--client", "carol", "--key-file", "k"], "carol is a client, not a hub")
        try Self.expectUsage(work, ["enrol", "--hub", "hank", "--client", "zed", "--key-file", "k"], "no client named zed")
        try Self.expectUsage(work, ["enrol", "--hub", "hank", "--client", "carol", "--key-file", "k", "--config", "missing.yaml"],
                             "does not exist")
        try Self.expectUsage(work, ["issue", "--hub", "hank", "--client", "carol", "--to", ".", "--size", "12XB"], "12XB")
        try Self.expectUsage(work, ["issue", "--hub", "hank", "--client", "carol", "--to", ".", "--expires", "soon"], "soon")
        try Self.expectUsage(work, ["issue", "--hub", "hank", "--client", "carol", "--to", ".", "--block-size", "32MiB"],
                             "--block-size")
        try Self.expectUsage(work, ["issue", "--hub", "hank"], "--client")
        try Self.expectUsage(work, ["import", "--from", ".", "--node", "carol"], "--key-file")
        try Self.expectUsage(work, ["list"], "--from")
        try Self.expectUsage(work, ["verify", "--from", "."], "--key-file")
        try Self.expectUsage(work, ["frobnicate"], "frobnicate")
        #expect(!FileManager.default.fileExists(atPath: work.path("k")))
        #expect(!FileManager.default.fileExists(atPath: work.path("data")))
    }

    @Test func aKeyFileForAnotherClient() throws {
        let work = try Workspace()
        let daves = try work.enrol("dave", at: "hank")
        try Self.expectUsage(work, ["import", "--from", ".", "--node", "carol", "--key-file", daves], "dave's enrolment key, not carol's")
    }

    @Test func helpExitsZeroAndDocumentsTheExitStatus() throws {
        let work = try Workspace()
        let help = try work.courier("--help")
        #expect(help.succeeded && help.stdout.contains("EXIT STATUS"))
        for command in ["enrol", "issue", "import", "list", "verify", "wipe"] {
            let result = try work.courier(command, "--help")
            #expect(result.succeeded && result.stdout.contains("USAGE: psrd-courier \(command)"), "\(command): \(result)")
        }
    }
}
