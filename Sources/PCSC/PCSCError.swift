/// Everything that can go wrong between this process and a smart card: PC/SC (pcscd, readers,
/// card presence), ISO 7816-4 status words, and the DSKE card application.
///
/// Each case prints as one line that says what happened and what to do. No case carries a PIN,
/// a PUK, a key or file content.
public enum PCSCError: Error, Equatable, Sendable {
    // PC/SC
    /// SCARD_E_NO_SERVICE / SCARD_E_SERVICE_STOPPED: the daemon is not there.
    case serviceNotAvailable
    /// pcscd runs but lists no reader.
    case noReaders
    /// The reader named by the caller is not in pcscd's list.
    case readerNotFound(String, available: [String])
    /// Several readers hold a card and the caller did not say which one to use.
    case ambiguousReader([String])
    /// No card in the reader (SCARD_E_NO_SMARTCARD at connect, or an empty reader).
    case noCard(reader: String)
    /// The card left the reader during the session (SCARD_W_REMOVED_CARD, or a failed exchange
    /// after which the reader is empty).
    case cardRemoved
    /// Another program reset the card under us; the session state (PIN verified) is gone.
    case cardReset
    /// The card does not answer (SCARD_W_UNRESPONSIVE_CARD / SCARD_W_UNPOWERED_CARD).
    case cardUnresponsive
    /// Another program holds the card exclusively.
    case sharingViolation(reader: String)
    /// The reader went away (unplugged) or cannot be used.
    case readerUnavailable
    /// Any other PC/SC failure: the function and the pcsc-lite code with its text.
    case pcsc(function: String, code: UInt32, text: String)

    // ISO 7816-4 status words
    /// VERIFY or CHANGE REFERENCE DATA with a wrong PIN: 63Cx, x tries left (x > 0).
    case wrongPIN(triesLeft: Int)
    /// 6983 (or 63C0): the PIN retry counter is exhausted.
    case pinBlocked
    /// RESET RETRY COUNTER with a wrong PUK: 63Cx.
    case wrongPUK(triesLeft: Int)
    /// The PUK retry counter is exhausted.
    case pukBlocked
    /// 6A84 on CREATE FILE: the card has too little free memory.
    case cardFull(needed: Int, available: Int?)
    /// 6A82: the file or application is not on the card.
    case fileNotFound(String)
    /// 6982: the operation needs a verified PIN.
    case securityStatusNotSatisfied(String)
    /// Any other status word, with its ISO 7816-4 meaning.
    case status(StatusWord, operation: String)
    /// The card answered something that does not parse (too short, bad TLV, endless 61xx).
    case malformedResponse(String)

    // The DSKE card application
    /// The card holds no DSKE application (blank, or another application's card).
    case notEnrolled
    /// The card already holds an enrolment; erase it first.
    case alreadyEnrolled(node: String, hub: String)
    /// An enrolment was interrupted (card pulled): the application is there but incomplete.
    case enrolmentIncomplete
    /// A PIN or PUK that does not meet the format rules (length, characters).
    case invalidPIN(String)
    /// The bundle on the card is referenced by a valid commit record but its bytes do not
    /// match the recorded digest: the card's memory failed.
    case bundleCorrupt
    /// A caller passed something the card layer cannot accept.
    case invalidArgument(String)
}

extension PCSCError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .serviceNotAvailable:
            return "pcscd is not running: start it with `pcscd` (or devices/virtual-card/up)"
        case .noReaders:
            return "no smart-card reader found: connect a reader (or start the virtual card with "
                + "devices/virtual-card/up)"
        case let .readerNotFound(name, available):
            let list = available.isEmpty ? "none" : available.map { "\"\($0)\"" }.joined(separator: ", ")
            return "no reader named \"\(name)\" (readers: \(list))"
        case .ambiguousReader(let readers):
            return "cards are present in several readers (\(readers.map { "\"\($0)\"" }.joined(separator: ", "))): "
                + "name one with --reader"
        case .noCard(let reader):
            return "no card in reader \"\(reader)\": insert the card"
        case .cardRemoved:
            return "the card was removed: insert it again and retry"
        case .cardReset:
            return "the card was reset by another program: retry"
        case .cardUnresponsive:
            return "the card does not respond: take it out, insert it again and retry"
        case .sharingViolation(let reader):
            return "the card in \"\(reader)\" is in use by another program: close it and retry"
        case .readerUnavailable:
            return "the reader is unavailable (unplugged?): reconnect it and retry"
        case let .pcsc(function, code, text):
            return "PC/SC \(function) failed: \(text) (0x\(String(code, radix: 16, uppercase: true)))"
        case .wrongPIN(let tries):
            return "wrong PIN: \(tries) \(tries == 1 ? "try" : "tries") left before the PIN is blocked"
        case .pinBlocked:
            return "the PIN is blocked: unblock it with the PUK"
        case .wrongPUK(let tries):
            return "wrong PUK: \(tries) \(tries == 1 ? "try" : "tries") left before the PUK is blocked"
        case .pukBlocked:
            return "the PUK is blocked: the card can only be erased"
        case let .cardFull(needed, available):
            if let available {
                return "card full: needs \(needed) bytes, \(available) bytes free"
            }
            return "card full: needs \(needed) bytes, more than the card has free"
        case .fileNotFound(let what):
            return "not found on the card: \(what)"
        case .securityStatusNotSatisfied(let what):
            return "the card refused \(what): the PIN has not been verified (6982)"
        case let .status(sw, operation):
            return "the card refused \(operation): \(sw.meaning) (\(sw))"
        case .malformedResponse(let why):
            return "the card's answer does not parse: \(why)"
        case .notEnrolled:
            return "the card holds no DSKE enrolment (blank, or another application's card)"
        case let .alreadyEnrolled(node, hub):
            return "the card already holds the enrolment of \(node) at \(hub): erase it first"
        case .enrolmentIncomplete:
            return "the enrolment on this card was interrupted: erase the card and enrol again"
        case .invalidPIN(let why):
            return "invalid PIN: \(why)"
        case .bundleCorrupt:
            return "the bundle on the card does not match its recorded digest (card memory fault): "
                + "delete it and write it again"
        case .invalidArgument(let why):
            return "smart card: \(why)"
        }
    }
}
