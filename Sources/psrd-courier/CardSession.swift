import Courier
import Crypto
import Foundation
import PCSC

/// One command's connection to the card: to `--reader`, or to the only reader holding a card.
/// Every PC/SC and card error leaves as a one-line `JobError`; `close` resets the card, so no
/// verified PIN outlives the command. With PSRD_COURIER_APDU_STATS set, `close` prints the
/// APDUs and bytes exchanged (for dske-bench card).
final class CardSession {
    let context: PCSCContext
    let card: DSKECard

    var reader: String { card.reader }

    init(reader: String?) throws(JobError) {
        do {
            context = try PCSCContext()
        } catch {
            throw CardFailure.job(error, reader: reader)
        }
        do {
            card = try DSKECard.connect(context: context, reader: reader)
        } catch .noCard where reader == nil {
            let names = ((try? context.readers()) ?? []).map { "\"\($0.name)\"" }
            throw .failure("no card in any reader (\(names.joined(separator: ", "))): insert the card")
        } catch {
            throw CardFailure.job(error, reader: reader)
        }
    }

    /// Runs `body` against the card, opening and closing the session around it.
    static func with<T>(reader: String?, _ body: (CardSession) throws(JobError) -> T) throws(JobError) -> T {
        let session = try CardSession(reader: reader)
        defer { session.close() }
        return try body(session)
    }

    func run<T>(_ body: (DSKECard) throws(PCSCError) -> T) throws(JobError) -> T {
        do {
            return try body(card)
        } catch {
            throw CardFailure.job(error, reader: reader)
        }
    }

    func close() {
        card.disconnect()
        if ProcessInfo.processInfo.environment["PSRD_COURIER_APDU_STATS"] != nil {
            let s = card.statistics
            Console.note("card: \(s.commands) APDUs, \(s.bytesSent) bytes sent, \(s.bytesReceived) bytes received, "
                         + "largest command \(s.largestCommand) bytes, largest response \(s.largestResponse) bytes")
        }
    }

    /// The card's identity, which must be client `node`'s enrolment (at `hub`, when given):
    /// anything else is the wrong card, refused before the PIN is asked for.
    func requireClient(_ node: String, hub: String? = nil) throws(JobError) -> CardIdentity {
        let identity = try run { card throws(PCSCError) in try card.readIdentity() }
        let wanted = "client \(node)" + (hub.map { " at \($0)" } ?? "")
        guard identity.role == .client, identity.node == node, hub == nil || identity.hub == hub else {
            throw .failure("wrong card: the card in reader \"\(reader)\" holds the enrolment of \(identity.role.rawValue) "
                           + "\(identity.node) at \(identity.hub), not of \(wanted)")
        }
        return identity
    }

    /// The enrolment key, after VERIFY with `pin`.
    func enrolmentKey(pin: CardPIN) throws(JobError) -> EnrolmentKey {
        let key = try run { card throws(PCSCError) in try card.readEnrolmentKey(pin: pin) }
        var bytes = key.withUnsafeBytes { Array($0) }
        defer { bytes.withUnsafeMutableBufferPointer { $0.update(repeating: 0) } }
        do {
            return try EnrolmentKey(bytes: bytes)
        } catch {
            throw .failure("the card holds no valid enrolment key: \(error)")
        }
    }
}
