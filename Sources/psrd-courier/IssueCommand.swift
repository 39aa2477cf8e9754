import ArgumentParser
import Courier
import DSKEConfig
import Foundation

/// `psrd-courier issue`: one bundle for a hub-client pair.
struct IssueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "issue",
        abstract: "Generate PSRD for a hub-client pair and write the client's sealed bundle to a medium.",
        discussion: """
            Generates the pair's PSRD once (half in client-owned blocks, half in hub-owned \
            blocks) from the operating system's random generator, combined with a QRNG when \
            --qrng is given. Writes the client's sealed bundle <bundle-id>.dskb into the target \
            directory and the hub's sealed copy into the hub's courier inbox, reads the client's \
            copy back from the medium to verify it, and only then gives both their names. On any \
            failure (full or read-only medium, failing QRNG, ...) nothing is left behind. With \
            --to card:[READER] the client's bundle goes onto the client's smart card instead \
            (whole or not at all, after VERIFY with the card's PIN); a bundle that does not fit \
            is refused before any PSRD is generated, saying how much fits. Run it where the \
            hub's data directory is.
            """
    )

    @Option(help: ArgumentHelp("The issuing hub.", valueName: "hub"))
    var hub: String

    @Option(help: ArgumentHelp("The enrolled client the bundle is for.", valueName: "client"))
    var client: String

    @Option(help: ArgumentHelp("The mount point of the USB medium (a directory), or card:[READER] for the client's smart card.",
                               valueName: "dir"))
    var to: String

    @Option(name: .customLong("pin-file"),
            help: ArgumentHelp("With --to card:, read the card's PIN from this file (mode 0600) instead of asking.", valueName: "path"))
    var pinFile: String?

    @Flag(help: "With --to card:, replace a bundle already on the card (its PSRD is lost to the client).")
    var replace = false

    @Option(help: ArgumentHelp("PSRD bytes for the pair, e.g. 64MiB, 1GiB, 4096.", valueName: "size"))
    var size = SizeArgument(bytes: 64 << 20)

    @Option(name: .customLong("block-size"),
            help: ArgumentHelp("Largest PSRD block (at most 16MiB).", valueName: "size"))
    var blockSize = SizeArgument(bytes: IssueJob.maxBlockSize)

    @Option(help: ArgumentHelp("A QRNG device node, FIFO or file to combine with the OS's randomness (health-tested).",
                               valueName: "path"))
    var qrng: String?

    @Option(help: ArgumentHelp("How long the bundle can be imported: 30d, 12h, 90m, 2w.", valueName: "lifetime"))
    var expires = LifetimeArgument(argument: "30d")!

    @Flag(name: .customLong("no-verify"), help: "Do not read the bundle back from the medium to verify it.")
    var noVerify = false

    @Flag(name: .customLong("allow-any-target"),
          help: "Accept a target that is not on removable media (a loop-mounted image, a plain directory).")
    var allowAnyTarget = false

    @OptionGroup var options: ConfigOption

    func validate() throws {
        if CardTarget.parse(to) == nil && (pinFile != nil || replace) {
            throw ValidationError("--pin-file and --replace go with --to card:")
        }
    }

    func run() async throws {
        let config = try options.load()
        let hubNode = try config.requireHub(hub)
        let clientNode = try config.requireClient(client)
        if let reader = CardTarget.parse(to) {
            let outcome = try CardIssue(hub: hubNode, client: clientNode, reader: reader, pinFile: pinFile, size: size.bytes,
                                        blockSize: blockSize.bytes, lifetime: expires.seconds, qrngPath: qrng,
                                        replace: replace).run()
            print("bundle \(outcome.issued.bundleID) for \(client): on the card in reader \"\(outcome.reader)\" "
                  + "(\(CardIssue.grouped(outcome.bundleBytes)) bytes" + (outcome.room.map { " of \(CardIssue.grouped($0)) available" } ?? "") + ")")
            summary(outcome.issued, verified: "written to the card and read back")
            print("next: psrd-courier import --from card:\(reader ?? "") --node \(client), and psrd-courier import --node \(hub)")
            return
        }
        let target = URL(fileURLWithPath: to).standardizedFileURL.path
        let job = IssueJob(hub: hubNode, client: clientNode, target: target, size: size.bytes, blockSize: blockSize.bytes,
                           lifetime: expires.seconds, qrngPath: qrng, verify: !noVerify, allowAnyTarget: allowAnyTarget)
        let outcome = try job.run()
        print("bundle \(outcome.bundleID) for \(client): \(outcome.clientBundle)")
        summary(outcome, verified: outcome.verified ? "read back and verified" : "not verified (--no-verify)")
        print("next: psrd-courier import --from \(target) --node \(client) --key-file <\(client)'s key file> (or --card), "
              + "and psrd-courier import --node \(hub)")
    }

    private func summary(_ outcome: IssueJob.Outcome, verified: String) {
        let owners = Dictionary(grouping: outcome.blocks, by: \.owner).mapValues { $0.count }
        print("  \(ByteCount.format(outcome.payloadSize)) of PSRD in \(outcome.blocks.count) blocks "
              + "(\(owners[.client] ?? 0) client-owned, \(owners[.hub] ?? 0) hub-owned), "
              + "entropy \(outcome.entropy.sources.joined(separator: " + ")), expires \(Self.format(outcome.expires)), \(verified)")
        print("hub copy: \(outcome.hubBundle)")
    }

    static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}
