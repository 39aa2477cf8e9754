import ArgumentParser
import Courier
import DSKEConfig
import Foundation

/// `psrd-courier verify`: every check of an import, without importing.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check bundles with a key, without importing them.",
        discussion: """
            Authenticates each bundle completely (header MAC, every chunk, the final chunk) with \
            a client's enrolment key file, or with a hub's own bundle key (--node HUB). It does \
            not consult the node's store, so it cannot tell whether a bundle was imported before.
            """
    )

    @Option(help: ArgumentHelp("A bundle file or a directory of bundles.", valueName: "path"))
    var from: String

    @Option(name: .customLong("key-file"), help: ArgumentHelp("A client's enrolment key file.", valueName: "path"))
    var keyFile: String?

    @Option(help: ArgumentHelp("A hub: verify with its bundle key from its courier keystore.", valueName: "hub"))
    var node: String?

    @OptionGroup var options: ConfigOption

    func run() async throws {
        let key: EnrolmentKey
        let recipient: BundleRecipient
        switch (keyFile, node) {
        case (let keyFile?, nil):
            let contents: EnrolmentKeyFile.Contents
            do {
                contents = try EnrolmentKeyFile.read(path: keyFile)
            } catch {
                throw JobError.usage("\(error)")
            }
            key = contents.key
            recipient = BundleRecipient(name: contents.client, role: .client)
        case (nil, let node?):
            let config = try options.load()
            let hub = try config.requireHub(node)
            let keystore = try CourierKeystore(hub: hub.name, hubDataDirectory: hub.dataDirectory, create: false)
            key = keystore.bundleKey
            keystore.release()
            recipient = BundleRecipient(name: hub.name, role: .hub)
        default:
            throw JobError.usage("give either --key-file PATH (a client's key) or --node HUB (a hub's own key)")
        }
        let results = try VerifyJob(from: URL(fileURLWithPath: from).standardizedFileURL.path, key: key,
                                    recipient: recipient).run()
        var failures: [String] = []
        for result in results {
            if let header = result.header {
                print("ok  \(header.id)  for \(header.recipient.role.rawValue) \(header.recipient.name)  "
                      + "\(ByteCount.format(header.payloadSize)) in \(header.blocks.count) blocks  \(result.path)")
            } else {
                failures.append("\(result.path): \(result.failure ?? "failed")")
                print("BAD \(result.path): \(result.failure ?? "failed")")
            }
        }
        if !failures.isEmpty {
            throw JobError.failure(failures.count == 1 ? failures[0] : "\(failures.count) of \(results.count) bundles do not verify")
        }
    }
}
