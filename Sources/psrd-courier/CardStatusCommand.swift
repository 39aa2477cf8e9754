import ArgumentParser
import Courier
import DSKECore
import Foundation
import PCSC

/// `psrd-courier card status`: what the card holds, without the PIN.
struct CardStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the card's enrolment, PIN and PUK tries left, memory and bundle (no PIN needed).")

    @Option(help: ArgumentHelp("The PC/SC reader holding the card (default: the only reader with a card).", valueName: "name"))
    var reader: String?

    @Flag(help: "Print JSON instead of text.")
    var json = false

    /// The JSON form.
    struct Report: Encodable {
        let reader: String
        let atr: String
        let state: String
        let identity: CardIdentity?
        let pin: String?
        let puk: String?
        let capacity: Int?
        let free: Int?
        let bundleSize: Int
        let largestBundle: Int?
        let extendedLength: Bool

        enum CodingKeys: String, CodingKey {
            case reader, atr, state, identity, pin, puk, capacity, free
            case bundleSize = "bundle_size"
            case largestBundle = "largest_bundle"
            case extendedLength = "extended_length"
        }
    }

    func run() async throws {
        let status = try CardSession.with(reader: reader) { session throws(JobError) in
            try session.run { card throws(PCSCError) in try card.status() }
        }
        let report = Report(reader: status.reader, atr: status.atr, state: status.state.rawValue, identity: status.identity,
                            pin: status.pin.map(Self.describe), puk: status.puk.map(Self.describe),
                            capacity: status.space.capacity, free: status.space.free, bundleSize: status.space.bundleSize,
                            largestBundle: status.space.largestBundle, extendedLength: status.extendedLength)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
            return
        }
        var rows = [["reader", status.reader], ["ATR", status.atr]]
        switch status.state {
        case .blank: rows.append(["state", "blank (no DSKE enrolment): psrd-courier enrol --card writes one"])
        case .incomplete: rows.append(["state", "incomplete (an enrolment was interrupted): enrol again with the same PIN, or erase"])
        case .enrolled: rows.append(["state", "enrolled"])
        }
        if let identity = status.identity {
            rows.append(["node", "\(identity.node) (\(identity.role.rawValue)) at hub \(identity.hub)"])
            rows.append(["key ID", identity.keyID])
            rows.append(["card serial", identity.cardSerial])
            rows.append(["enrolled", identity.enrolledAt])
        }
        if let pin = report.pin { rows.append(["PIN", pin]) }
        if let puk = report.puk { rows.append(["PUK", puk]) }
        let space = status.space
        if let capacity = space.capacity, let free = space.free {
            rows.append(["memory", "\(CardIssue.grouped(capacity)) bytes, \(CardIssue.grouped(free)) free"])
        }
        rows.append(["bundle", space.bundleSize > 0 ? "\(CardIssue.grouped(space.bundleSize)) bytes" : "none"])
        if let largest = space.largestBundle { rows.append(["largest bundle", "\(CardIssue.grouped(largest)) bytes"]) }
        if status.state != .blank {
            rows.append(["APDUs", status.extendedLength ? "extended length" : "short (255 bytes each)"])
        }
        print(Table.render(rows.map { [$0[0] + ":", $0[1]] }))
    }

    static func describe(_ state: VerificationState) -> String {
        switch state {
        case .verified: return "verified"
        case .triesLeft(let tries): return "\(tries) \(tries == 1 ? "try" : "tries") left"
        case .blocked: return "blocked"
        case .notSet: return "not set"
        }
    }
}
