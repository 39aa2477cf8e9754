import ArgumentParser
import Courier
import PCSC

/// `psrd-courier card change-pin`: the holder's new PIN, given the current one.
struct CardChangePINCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "change-pin",
        abstract: "Change the card's PIN (the current PIN is needed; a wrong one costs a try).")

    @OptionGroup var cardOptions: CardOptions

    @Option(name: .customLong("new-pin-file"),
            help: ArgumentHelp("Read the new PIN from this file (mode 0600) instead of asking twice.", valueName: "path"))
    var newPINFile: String?

    func run() async throws {
        try CardSession.with(reader: cardOptions.reader) { session throws(JobError) in
            let identity = try session.run { card throws(PCSCError) in try card.readIdentity() }
            let old = try SecretInput.read(file: cardOptions.pinFile, prompt: "Current PIN of \(identity.node)'s card: ")
            let new = try SecretInput.new(file: newPINFile, prompt: "New PIN (4-16 characters): ", option: "--new-pin-file")
            try session.run { card throws(PCSCError) in try card.changePIN(old: old, new: new) }
            print("changed the PIN of \(identity.node)'s card in reader \"\(session.reader)\"")
        }
    }
}
