import ArgumentParser
import Courier
import PCSC

/// `psrd-courier card unblock`: a new PIN, with the PUK (RESET RETRY COUNTER).
struct CardUnblockCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unblock",
        abstract: "Set a new PIN with the PUK (after 3 wrong PINs, or a forgotten one).",
        discussion: "The PUK is the one printed at enrolment. 3 wrong PUKs block it for good: then only card erase is left.")

    @Option(help: ArgumentHelp("The PC/SC reader holding the card (default: the only reader with a card).", valueName: "name"))
    var reader: String?

    @Option(name: .customLong("puk-file"),
            help: ArgumentHelp("Read the PUK from this file (mode 0600) instead of asking.", valueName: "path"))
    var pukFile: String?

    @Option(name: .customLong("new-pin-file"),
            help: ArgumentHelp("Read the new PIN from this file (mode 0600) instead of asking twice.", valueName: "path"))
    var newPINFile: String?

    func run() async throws {
        try CardSession.with(reader: reader) { session throws(JobError) in
            let identity = try session.run { card throws(PCSCError) in try card.readIdentity() }
            let puk = try SecretInput.read(file: pukFile, prompt: "PUK of \(identity.node)'s card: ", kind: .puk)
            let pin = try SecretInput.new(file: newPINFile, prompt: "New PIN (4-16 characters): ", option: "--new-pin-file")
            try session.run { card throws(PCSCError) in try card.unblockPIN(puk: puk, newPIN: pin) }
            print("unblocked \(identity.node)'s card in reader \"\(session.reader)\": the new PIN has 3 tries")
        }
    }
}
