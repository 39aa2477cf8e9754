import ArgumentParser
import Foundation

/// The one error type of the command-line tool: a one-line message for stderr and the exit
/// status that tells scripts which kind of failure it was (see `dske --help`, EXIT STATUS).
struct CLIError: Error, CustomStringConvertible, Sendable {
    enum Kind: Int32, Sendable {
        /// A node, a peer or the network did not do what was asked.
        case failure = 1
        /// The configuration file is missing or invalid, or names something that is not in it.
        case configuration = 2
        /// `get-key-pair`: the two sides delivered different keys.
        case mismatch = 3
        /// `status`: at least one selected node is not running.
        case notRunning = 4
    }

    let kind: Kind
    let message: String

    init(_ kind: Kind = .failure, _ message: String) {
        self.kind = kind
        // One line whatever the cause says: scripts read stderr line by line.
        self.message = message.split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    var description: String { message }

    /// Wraps any error from the libraries below into a one-line failure.
    static func wrapping(_ error: any Error, _ context: String) -> CLIError {
        if let error = error as? CLIError { return error }
        return CLIError(.failure, "\(context): \(error)")
    }
}

/// Runs a command body and turns a `CLIError` into one stderr line plus its exit status, so every
/// command fails the same way (ArgumentParser would otherwise print its own "Error:" prefix and
/// always exit 1).
func reportingErrors(_ body: () async throws(CLIError) -> Void) async throws(ExitCode) {
    do {
        try await body()
    } catch {
        printError(error.message)
        throw ExitCode(error.kind.rawValue)
    }
}

func printError(_ message: String) {
    printNote("dske: \(message)")
}
