import ArgumentParser
import Courier
import DSKEConfig
import Foundation

/// `psrd-courier import`: bundles into a node's pools.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import the bundles for a node into its PSRD pools.",
        discussion: """
            Opens each bundle for the node (a client with its enrolment key file, a hub with its \
            own bundle key from its courier keystore), verifies every byte, and only then adds \
            its blocks to the pools, all at once. A stopped node's store is opened directly \
            (under its lock); a running node gets the verified blocks through its loopback \
            management interface and uses them at once. Refused, with nothing imported: a \
            bundle or block seen before, a bundle for another node, the wrong key, an expired, \
            tampered or truncated bundle.
            """
    )

    @Option(help: ArgumentHelp("A bundle file, or a directory (the medium's mount point) holding bundles; a hub's default is its courier inbox.",
                               valueName: "path"))
    var from: String?

    @Option(help: ArgumentHelp("The node (client or hub) to import into.", valueName: "name"))
    var node: String

    @Option(name: .customLong("key-file"), help: ArgumentHelp("The client's enrolment key file.", valueName: "path"))
    var keyFile: String?

    @Flag(help: "Overwrite and delete each bundle once it is imported.")
    var wipe = false

    @OptionGroup var options: ConfigOption

    func run() async throws {
        let config = try options.load()
        let nodeConfig = try config.requireNode(node)
        let client = NodeImportClient(host: config.host, node: nodeConfig)
        let job = ImportJob(node: nodeConfig, from: from.map { URL(fileURLWithPath: $0).standardizedFileURL.path },
                            keyFile: keyFile, wipe: wipe) { (request: NodeImportRequest) async throws(JobError) in
            try await client.send(request)
        }
        let outcomes = try await job.run()
        for outcome in outcomes {
            let how = outcome.handedToRunningNode ? "handed to the running node" : "added to the stopped node's store"
            print("imported bundle \(outcome.bundleID) into \(node): \(outcome.blocks) blocks, "
                  + "\(ByteCount.format(outcome.bytes)) (\(how))" + (outcome.wiped ? "; bundle wiped" : ""))
        }
    }
}
