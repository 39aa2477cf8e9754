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
            failure (full or read-only medium, failing QRNG, ...) nothing is left behind. Run it \
            where the hub's data directory is.
            """
    )

    @Option(help: ArgumentHelp("The issuing hub.", valueName: "hub"))
    var hub: String

    @Option(help: ArgumentHelp("The enrolled client the bundle is for.", valueName: "client"))
    var client: String

    @Option(help: ArgumentHelp("The mount point of the USB medium (a directory).", valueName: "dir"))
    var to: String

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

    func run() async throws {
        let config = try options.load()
        let hubNode = try config.requireHub(hub)
        let clientNode = try config.requireClient(client)
        let target = URL(fileURLWithPath: to).standardizedFileURL.path
        let job = IssueJob(hub: hubNode, client: clientNode, target: target, size: size.bytes, blockSize: blockSize.bytes,
                           lifetime: expires.seconds, qrngPath: qrng, verify: !noVerify, allowAnyTarget: allowAnyTarget)
        let outcome = try job.run()
        let owners = Dictionary(grouping: outcome.blocks, by: \.owner).mapValues { $0.count }
        print("bundle \(outcome.bundleID) for \(client): \(outcome.clientBundle)")
        print("  \(ByteCount.format(outcome.payloadSize)) of PSRD in \(outcome.blocks.count) blocks "
              + "(\(owners[.client] ?? 0) client-owned, \(owners[.hub] ?? 0) hub-owned), "
              + "entropy \(outcome.entropy.sources.joined(separator: " + ")), expires \(Self.format(outcome.expires))"
              + (outcome.verified ? ", read back and verified" : ", not verified (--no-verify)"))
        print("hub copy: \(outcome.hubBundle)")
        print("next: psrd-courier import --from \(target) --node \(client) --key-file <\(client)'s key file>, "
              + "and psrd-courier import --node \(hub)")
    }

    static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}
