import ArgumentParser
import Courier
import DSKECore
import DSKEConfig
import Foundation

/// `psrd-courier list`: what bundles a medium or an inbox holds.
struct ListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the bundles on a medium or in a hub's inbox (header facts, no secrets).",
        discussion: """
            Shows each bundle's ID, recipient, pair, PSRD size and blocks, expiry and entropy \
            sources, as its header states them: without a key a header cannot be authenticated \
            (use verify for that). With --node and no --from, lists a hub's courier inbox; with \
            both, only the bundles for that node.
            """
    )

    @Option(help: ArgumentHelp("A bundle file or a directory of bundles.", valueName: "path"))
    var from: String?

    @Option(help: ArgumentHelp("Only bundles for this node; without --from, this hub's inbox.", valueName: "name"))
    var node: String?

    @OptionGroup var options: ConfigOption

    func run() async throws {
        let path: String
        var recipient: (String, PoolOwner)?
        if let node {
            let config = try options.load()
            let nodeConfig = try config.requireNode(node)
            recipient = (node, nodeConfig.role == .hub ? .hub : .client)
            if let from {
                path = from
            } else {
                guard nodeConfig.role == .hub else { throw JobError.usage("\(node) is a client: give --from with the medium's mount point") }
                path = CourierKeystore.inboxDirectory(hubDataDirectory: nodeConfig.dataDirectory)
            }
        } else {
            guard let from else { throw JobError.usage("give --from PATH (a medium or a bundle) or --node HUB (its inbox)") }
            path = from
        }
        let listing: MediaListing
        do {
            listing = try MediaListing.scan(path)
        } catch {
            throw JobError.failure("\(error)")
        }
        let entries = listing.entries.filter { entry in
            guard let recipient, let header = entry.bundleHeader else { return true }
            return header.recipient.name == recipient.0 && header.recipient.role == recipient.1
        }
        guard !entries.isEmpty else {
            print("no bundles in \(path)" + (node.map { " for \($0)" } ?? ""))
            return
        }
        let now = Date()
        var rows = [["BUNDLE", "FOR", "PAIR", "PSRD", "BLOCKS", "EXPIRES", "STATE", "ENTROPY"]]
        var invalid: [String] = []
        for entry in entries {
            switch entry.header {
            case .success(let header):
                let owned = header.blocks.filter { $0.owner == .client }.count
                rows.append([
                    header.id,
                    "\(header.recipient.role.rawValue) \(header.recipient.name)",
                    "\(header.pair.hub)/\(header.pair.client)",
                    ByteCount.format(header.payloadSize),
                    "\(header.blocks.count) (\(owned)c/\(header.blocks.count - owned)h)",
                    IssueCommand.format(header.expires),
                    entry.fileSize == header.fileSize ? (header.expires > now ? "ok" : "expired") : "wrong-size",
                    header.entropy.sources.joined(separator: "+"),
                ])
            case .failure(let error):
                invalid.append("\(entry.path): not a valid bundle (\(error))")
            }
        }
        if rows.count > 1 { print(Table.render(rows)) }
        for line in invalid { print("INVALID \(line)") }
    }
}
