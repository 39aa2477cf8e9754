import ArgumentParser
import Courier
import Foundation

/// `psrd-courier wipe`: bundles off a medium for good.
struct WipeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wipe",
        abstract: "Overwrite and delete bundles (a file, or every bundle in a directory).",
        discussion: """
            Overwrites each bundle with zeros, syncs it, deletes it and syncs the directory; in a \
            directory also the temporary files an interrupted issue may have left. Flash media \
            remap blocks, so overwriting cannot promise the old bytes are gone from the chips: \
            bundles are encrypted, and a wiped bundle can no longer be opened without its key \
            anyway.
            """
    )

    @Option(help: ArgumentHelp("A bundle file or a directory of bundles.", valueName: "path"))
    var from: String

    func run() async throws {
        let wiped: [String]
        do {
            wiped = try MediaWiper.wipe(URL(fileURLWithPath: from).standardizedFileURL.path)
        } catch {
            throw JobError.failure("\(error)")
        }
        if wiped.isEmpty { print("no bundles in \(from)") }
        for path in wiped { print("wiped \(path)") }
    }
}
