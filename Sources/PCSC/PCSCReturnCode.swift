import CPCSC

/// pcsc-lite return codes this package tells apart (pcsclite.h; the header's macros carry casts
/// Swift does not import). LONG is a C long on Linux, so codes are compared as UInt32.
enum PCSCReturnCode {
    static let success: UInt32 = 0x0000_0000
    static let invalidParameter: UInt32 = 0x8010_0004
    static let insufficientBuffer: UInt32 = 0x8010_0008
    static let unknownReader: UInt32 = 0x8010_0009
    static let timeout: UInt32 = 0x8010_000A
    static let sharingViolation: UInt32 = 0x8010_000B
    static let noSmartcard: UInt32 = 0x8010_000C
    static let protoMismatch: UInt32 = 0x8010_000F
    static let notTransacted: UInt32 = 0x8010_0016
    static let readerUnavailable: UInt32 = 0x8010_0017
    static let noService: UInt32 = 0x8010_001D
    static let serviceStopped: UInt32 = 0x8010_001E
    static let unsupportedFeature: UInt32 = 0x8010_001F
    static let noReadersAvailable: UInt32 = 0x8010_002E
    static let commDataLost: UInt32 = 0x8010_002F
    static let unsupportedCard: UInt32 = 0x8010_0065
    static let unresponsiveCard: UInt32 = 0x8010_0066
    static let unpoweredCard: UInt32 = 0x8010_0067
    static let resetCard: UInt32 = 0x8010_0068
    static let removedCard: UInt32 = 0x8010_0069

    static func code(_ rv: LONG) -> UInt32 { UInt32(truncatingIfNeeded: rv) }

    /// The PCSCError for a failed call; `reader` names the reader in messages when known.
    static func error(_ rv: LONG, function: String, reader: String? = nil) -> PCSCError {
        let code = code(rv)
        switch code {
        case noService, serviceStopped: return .serviceNotAvailable
        case noReadersAvailable: return .noReaders
        case unknownReader: return .readerNotFound(reader ?? "", available: [])
        case noSmartcard:
            // At connect the reader is empty; later the card has gone.
            return function == "SCardConnect" ? .noCard(reader: reader ?? "") : .cardRemoved
        case removedCard: return .cardRemoved
        case resetCard: return .cardReset
        case unresponsiveCard, unpoweredCard: return .cardUnresponsive
        case sharingViolation: return .sharingViolation(reader: reader ?? "")
        case readerUnavailable: return .readerUnavailable
        default:
            let text = pcsc_stringify_error(rv).map { String(cString: $0) } ?? "unknown error"
            return .pcsc(function: function, code: code, text: text)
        }
    }
}
