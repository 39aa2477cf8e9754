import Courier
import PCSC

/// PC/SC and card errors as the courier reports them: one line saying what happened and which
/// command fixes it (the PCSC module's messages name no psrd-courier command).
enum CardFailure {
    static func job(_ error: PCSCError, reader: String?) -> JobError {
        let card = reader.map { "the card in reader \"\($0)\"" } ?? "the card"
        switch error {
        case .wrongPIN(let tries):
            return .failure("wrong PIN, \(tries) \(tries == 1 ? "try" : "tries") left before the card blocks the PIN")
        case .pinBlocked:
            return .failure("the PIN of \(card) is blocked: unblock it with the PUK (psrd-courier card unblock)")
        case .wrongPUK(let tries):
            return .failure("wrong PUK, \(tries) \(tries == 1 ? "try" : "tries") left before the card blocks the PUK")
        case .pukBlocked:
            return .failure("the PUK of \(card) is blocked: the card can only be erased (psrd-courier card erase) and enrolled again")
        case .notEnrolled:
            return .failure("\(card) holds no DSKE enrolment (blank, or another application's card): enrol it with psrd-courier enrol --card")
        case let .alreadyEnrolled(node, hub):
            return .failure("\(card) already holds the enrolment of \(node) at \(hub): erase it first (psrd-courier card erase)")
        case .enrolmentIncomplete:
            return .failure("the enrolment on \(card) was interrupted: run psrd-courier enrol --card again with the same PIN, or psrd-courier card erase")
        case .invalidPIN, .readerNotFound, .ambiguousReader:
            return .usage(error.description)
        default:
            return .failure(error.description)
        }
    }
}
