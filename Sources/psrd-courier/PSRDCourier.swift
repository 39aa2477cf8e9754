import ArgumentParser
import Courier
import Foundation
import Logging

/// `psrd-courier`: PSRD for DSKE pairs on physical media. docs/courier.md is the manual.
@main
struct PSRDCourier: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "psrd-courier",
        abstract: "Carry PSRD to DSKE clients and hubs on USB media and smart cards: enrol, issue, import.",
        discussion: """
            A hub operator enrols each client once (a 256-bit enrolment key in a 0600 key file, \
            or on the client's smart card behind a PIN), then issues sealed PSRD bundles for the \
            pair: the client's onto a USB stick (or a small one onto its card), the hub's copy \
            into the hub's courier inbox. Each side imports its copy; the two pools \
            then hold the same bytes. Bundles are authenticated and encrypted (AES-256-GCM) and \
            can be imported once.

            The network is described by the configuration file (default ./dske-config.yaml): \
            node names, encryptors, data directories.

            EXIT STATUS
              0   success
              1   the operation failed (bad or replayed bundle, full or missing medium, ...): \
            nothing was imported and nothing half-written was left behind
              2   usage or configuration error: nothing was attempted
            Every error is one line on stderr, starting with "psrd-courier: ".
            """,
        version: "0.1.0",
        subcommands: [
            EnrolCommand.self, IssueCommand.self, ImportCommand.self, ListCommand.self,
            VerifyCommand.self, WipeCommand.self, CardCommand.self, DevicesCommand.self,
        ]
    )

    /// ArgumentParser exits 64 on usage errors; the courier's contract is 2, and 1 for every
    /// failed operation, each as one line on stderr.
    static func main() async {
        // The libraries log at info for node operators; a command-line tool prints its own
        // results, so only warnings and errors reach stderr unless asked for.
        let level = ProcessInfo.processInfo.environment["PSRD_COURIER_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as JobError {
            Console.error(error.message)
            Foundation.exit(error.kind.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                // --help and --version.
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            if let exitCode = error as? ExitCode {
                Foundation.exit(exitCode.rawValue)
            }
            let message = fullMessage(for: error)
            let status: Int32 = code == .validationFailure ? JobError.Kind.usage.rawValue : JobError.Kind.failure.rawValue
            if status == JobError.Kind.usage.rawValue {
                // Usage errors carry the usage text after the message: keep the first line
                // for the error and print the rest as help.
                let lines = message.split(separator: "\n", omittingEmptySubsequences: false)
                let first = lines.first.map(String.init) ?? "usage error"
                Console.error(first.hasPrefix("Error: ") ? String(first.dropFirst(7)) : first)
                let rest = lines.dropFirst().joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
                if !rest.isEmpty { FileHandle.standardError.write(Data((rest + "\n").utf8)) }
            } else {
                Console.error(message)
            }
            Foundation.exit(status)
        }
    }
}
