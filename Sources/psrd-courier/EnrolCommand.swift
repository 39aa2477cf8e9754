import ArgumentParser
import Courier
import DSKEConfig
import Foundation

/// `psrd-courier enrol`: a client's enrolment key, once per client and hub, into a key file or
/// onto the client's smart card (one `EnrolmentJob`, two key sinks).
struct EnrolCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enrol",
        abstract: "Create a client's enrolment key and record the client at a hub.",
        discussion: """
            Generates a 256-bit enrolment key for the client and records the client (name, \
            encryptors from the configuration, key) in the hub's courier keystore \
            (<hub data dir>/courier/keystore.json). The key goes either to a key file (--key-file: \
            mode 0600, one line: dske-enrolment-key/v1 <client> <base64 key>) or onto the \
            client's smart card (--card: the key readable only after VERIFY with the PIN, the \
            client's identity readable by anyone; the PIN is asked twice without echo, or read \
            from --pin-file; a random PUK is printed once: write it down). The key file or card \
            travels to the client's operator by hand; every bundle for the client is sealed for \
            it. Run it where the hub's data directory is.
            """
    )

    @Option(help: ArgumentHelp("The hub that will issue the client's bundles.", valueName: "hub"))
    var hub: String

    @Option(help: ArgumentHelp("The client (KME) to enrol.", valueName: "client"))
    var client: String

    @Option(name: .customLong("key-file"), help: ArgumentHelp("Where to write the client's enrolment key.", valueName: "path"))
    var keyFile: String?

    @Flag(help: "Write the key and the client's identity onto a blank smart card instead of a key file.")
    var card = false

    @OptionGroup var cardOptions: CardOptions

    @Flag(help: "Replace an existing key file, and re-enrol a client that already has a key (its old bundles can no longer be opened).")
    var force = false

    @OptionGroup var options: ConfigOption

    func validate() throws {
        guard (keyFile != nil) != card else {
            throw ValidationError("give either --key-file PATH or --card")
        }
        if !card && (cardOptions.reader != nil || cardOptions.pinFile != nil) {
            throw ValidationError("--reader and --pin-file go with --card")
        }
    }

    func run() async throws {
        let config = try options.load()
        let hubNode = try config.requireHub(hub)
        let clientNode = try config.requireClient(client)
        let encryptors = clientNode.encryptors.joined(separator: ", ")
        if let keyFile {
            let outcome = try EnrolmentJob(hub: hubNode, client: clientNode, keyFile: keyFile, force: force).run()
            print("enrolled \(client) at \(hub): key \(outcome.keyID), encryptors \(encryptors)")
            print("key file: \(outcome.keyFile) (give it to \(client)'s operator; keep it secret)")
            return
        }
        try CardSession.with(reader: cardOptions.reader) { session throws(JobError) in
            // The card is checked before the PIN is asked for: a card that cannot take the key
            // should not cost anyone a PIN.
            try CardKeySink.requireBlank(session)
            let pin = try SecretInput.new(file: cardOptions.pinFile, prompt: "PIN for \(client)'s card (4-16 characters): ",
                                          option: "--pin-file")
            let sink = CardKeySink(session: session, pin: pin)
            let outcome = try EnrolmentJob(hub: hubNode, client: clientNode, sink: sink, force: force).run()
            print("enrolled \(client) at \(hub): key \(outcome.keyID), encryptors \(encryptors)")
            print("card: \(outcome.keyFile) holds \(client)'s enrolment key (behind the PIN) and identity")
            if let puk = sink.generatedPUK {
                print("PUK: \(puk.reveal()) (shown once: write it down and keep it apart from the card; it unblocks the PIN)")
            }
        }
    }
}
