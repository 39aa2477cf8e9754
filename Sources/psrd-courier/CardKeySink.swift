import Courier
import Crypto
import PCSC

/// The smart-card form of the enrolment key (`EnrolmentJob`'s other sink): the key and the
/// client's identity go onto the card under `pin`; the card sets a random PUK, kept in
/// `generatedPUK` to be shown once.
final class CardKeySink: EnrolmentKeySink {
    let session: CardSession
    let pin: CardPIN
    private(set) var generatedPUK: CardPIN?

    init(session: CardSession, pin: CardPIN) {
        self.session = session
        self.pin = pin
    }

    var destination: String { "the card in reader \"\(session.reader)\"" }

    /// A blank card, or one whose enrolment was interrupted (enrol clears it, given the same
    /// PIN); an enrolled card must be erased first, whatever --force says: it may be another
    /// client's.
    func check(force: Bool) throws(JobError) { try Self.requireBlank(session) }

    static func requireBlank(_ session: CardSession) throws(JobError) {
        let status = try session.run { card throws(PCSCError) in try card.status() }
        if status.state == .enrolled, let identity = status.identity {
            throw CardFailure.job(.alreadyEnrolled(node: identity.node, hub: identity.hub), reader: session.reader)
        }
    }

    func store(_ key: EnrolmentKey, client: String, hub: String, force: Bool) throws(JobError) {
        var bytes = key.exportBytes()
        defer { bytes.withUnsafeMutableBufferPointer { $0.update(repeating: 0) } }
        let enrolment = try session.run { card throws(PCSCError) in
            try card.enrol(node: client, role: .client, hub: hub, key: SymmetricKey(data: bytes), pin: pin)
        }
        generatedPUK = enrolment.generatedPUK
    }

    func withdraw() {
        _ = try? session.run { card throws(PCSCError) in try card.erase(pin: pin) }
        generatedPUK = nil
    }
}
