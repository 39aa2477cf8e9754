import ArgumentParser
import Courier
import DSKECore
import DSKEConfig
import Foundation

/// `psrd-courier import`: bundles into a node's pools.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import the bundles for a node into its PSRD pools.",
        discussion: """
            Opens each bundle for the node (a client with its enrolment key: from its key file, \
            or from its smart card after VERIFY with the PIN; a hub with its own bundle key from \
            its courier keystore), verifies every byte, and only then adds its blocks to the \
            pools, all at once. A stopped node's store is opened directly (under its lock); a \
            running node gets the verified blocks through its loopback management interface and \
            uses them at once. Refused, with nothing imported: a bundle or block seen before, a \
            bundle for another node, the wrong key or card, an expired, tampered or truncated \
            bundle. --from card: imports the small bundle on the client's card (and --wipe \
            deletes it from the card).
            """
    )

    @Option(help: ArgumentHelp("A bundle file, or a directory (the medium's mount point) holding bundles, or card:[READER] for the bundle on a smart card; a hub's default is its courier inbox.",
                               valueName: "path"))
    var from: String?

    @Option(help: ArgumentHelp("The node (client or hub) to import into.", valueName: "name"))
    var node: String

    @Option(name: .customLong("key-file"), help: ArgumentHelp("The client's enrolment key file.", valueName: "path"))
    var keyFile: String?

    @Flag(help: "Read the client's enrolment key from its smart card (after VERIFY with the PIN).")
    var card = false

    @OptionGroup var cardOptions: CardOptions

    @Flag(help: "Overwrite and delete each bundle once it is imported (from a card: delete it from the card).")
    var wipe = false

    @OptionGroup var options: ConfigOption

    func validate() throws {
        let fromCard = from.flatMap(CardTarget.parse) != nil
        if card && keyFile != nil { throw ValidationError("give either --key-file or --card, not both") }
        if fromCard && keyFile != nil { throw ValidationError("a bundle on a card is opened with the card's key: leave out --key-file") }
        if fromCard && cardOptions.reader != nil { throw ValidationError("name the reader in --from card:READER") }
        if !card && !fromCard && (cardOptions.reader != nil || cardOptions.pinFile != nil) {
            throw ValidationError("--reader and --pin-file go with --card or --from card:")
        }
    }

    func run() async throws {
        let config = try options.load()
        let nodeConfig = try config.requireNode(node)
        let client = NodeImportClient(host: config.host, node: nodeConfig)
        let handOver = { @Sendable (request: NodeImportRequest) async throws(JobError) in try await client.send(request) }
        if let from, let reader = CardTarget.parse(from) {
            try await CardImport(node: nodeConfig, reader: reader, pinFile: cardOptions.pinFile, wipe: wipe)
                .run(handOver: handOver) { report($0) }
            return
        }
        let path = from.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        if nodeConfig.role == .client && !card && keyFile == nil {
            throw JobError.usage("importing into client \(node) needs its enrolment key: give --card (its smart card) or --key-file PATH")
        }
        var key: EnrolmentKey?
        if card {
            guard nodeConfig.role == .client else {
                throw JobError.usage("\(node) is a hub: it imports with its own bundle key, not a card (leave out --card)")
            }
            guard let path else { throw JobError.usage("give --from with the mount point of the medium or a bundle file") }
            key = try CardImport.readKey(node: nodeConfig, reader: cardOptions.reader, pinFile: cardOptions.pinFile,
                                         bundles: path)
        }
        let job = ImportJob(node: nodeConfig, from: path, keyFile: keyFile, clientKey: key, wipe: wipe, handOver: handOver)
        for outcome in try await job.run() { report(outcome) }
    }

    private func report(_ outcome: ImportJob.Outcome) {
        let how = outcome.handedToRunningNode ? "handed to the running node" : "added to the stopped node's store"
        print("imported bundle \(outcome.bundleID) into \(node): \(outcome.blocks) blocks, "
              + "\(ByteCount.format(outcome.bytes)) (\(how))" + (outcome.wiped ? "; bundle wiped" : ""))
    }
}
