import ArgumentParser
import Courier
import DSKEConfig
import Foundation

/// `psrd-courier enrol`: a client's enrolment key, once per client and hub.
struct EnrolCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enrol",
        abstract: "Create a client's enrolment key and record the client at a hub.",
        discussion: """
            Generates a 256-bit enrolment key for the client, writes it to the key file (mode \
            0600, one line: dske-enrolment-key/v1 <client> <base64 key>), and records the client \
            (name, encryptors from the configuration, key) in the hub's courier keystore \
            (<hub data dir>/courier/keystore.json). The key file travels to the client's operator \
            by hand; every bundle for the client is sealed for it. Run it where the hub's data \
            directory is.
            """
    )

    @Option(help: ArgumentHelp("The hub that will issue the client's bundles.", valueName: "hub"))
    var hub: String

    @Option(help: ArgumentHelp("The client (KME) to enrol.", valueName: "client"))
    var client: String

    @Option(name: .customLong("key-file"), help: ArgumentHelp("Where to write the client's enrolment key.", valueName: "path"))
    var keyFile: String

    @Flag(help: "Replace an existing key file, and re-enrol a client that already has a key (its old bundles can no longer be opened).")
    var force = false

    @OptionGroup var options: ConfigOption

    func run() async throws {
        let config = try options.load()
        let hubNode = try config.requireHub(hub)
        let clientNode = try config.requireClient(client)
        let outcome = try EnrolmentJob(hub: hubNode, client: clientNode, keyFile: keyFile, force: force).run()
        print("enrolled \(client) at \(hub): key \(outcome.keyID), encryptors \(clientNode.encryptors.joined(separator: ", "))")
        print("key file: \(outcome.keyFile) (give it to \(client)'s operator; keep it secret)")
    }
}
