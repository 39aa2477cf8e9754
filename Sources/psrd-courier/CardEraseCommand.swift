import ArgumentParser
import Courier
import PCSC

/// `psrd-courier card erase`: the card blank again (key zeroed, then the application deleted).
struct CardEraseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "erase",
        abstract: "Erase the card's enrolment key, identity and bundle, leaving it blank for a new enrolment.",
        discussion: """
            Needs the PIN; without it only once the PIN and the PUK are both blocked (as a PIV \
            reset), or when an interrupted enrolment never set a PIN. The hub still knows the \
            client's key: enrol the client again with --force to give it a new one.
            """)

    @OptionGroup var cardOptions: CardOptions

    func run() async throws {
        try CardSession.with(reader: cardOptions.reader) { session throws(JobError) in
            let status = try session.run { card throws(PCSCError) in try card.status() }
            let owner = status.identity.map { "\($0.node)'s enrolment at \($0.hub)" } ?? "an incomplete enrolment"
            guard status.state != .blank else {
                print("the card in reader \"\(session.reader)\" is blank already")
                return
            }
            var pin: CardPIN?
            switch (status.pin, status.puk) {
            case (.blocked?, .blocked?), (.notSet?, _):
                pin = nil
            case (.blocked?, _):
                throw CardFailure.job(.pinBlocked, reader: session.reader)
            default:
                pin = try SecretInput.read(file: cardOptions.pinFile, prompt: "PIN of the card (to erase \(owner)): ")
            }
            try session.run { card throws(PCSCError) in _ = try card.erase(pin: pin) }
            print("erased the card in reader \"\(session.reader)\" (it held \(owner)); it is blank now")
        }
    }
}
