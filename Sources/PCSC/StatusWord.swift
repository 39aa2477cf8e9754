/// SW1-SW2 of a response APDU, with its ISO 7816-4 meaning.
public struct StatusWord: Hashable, Sendable, CustomStringConvertible {
    public let value: UInt16

    public init(_ value: UInt16) { self.value = value }
    public init(sw1: UInt8, sw2: UInt8) { value = UInt16(sw1) << 8 | UInt16(sw2) }

    public var sw1: UInt8 { UInt8(value >> 8) }
    public var sw2: UInt8 { UInt8(value & 0xFF) }

    public static let success = StatusWord(0x9000)
    public static let endOfFile = StatusWord(0x6282)
    public static let wrongLength = StatusWord(0x6700)
    public static let securityStatusNotSatisfied = StatusWord(0x6982)
    public static let authenticationBlocked = StatusWord(0x6983)
    public static let conditionsNotSatisfied = StatusWord(0x6985)
    public static let fileNotFound = StatusWord(0x6A82)
    public static let notEnoughMemory = StatusWord(0x6A84)
    public static let referencedDataNotFound = StatusWord(0x6A88)
    public static let fileExists = StatusWord(0x6A89)
    public static let instructionNotSupported = StatusWord(0x6D00)

    /// 9000, and the warnings that still deliver good data (6282: end of file before Ne bytes).
    public var isSuccess: Bool { value == 0x9000 || value == 0x6282 }

    /// 63Cx: a verification failed with x tries left.
    public var triesLeft: Int? { sw1 == 0x63 && sw2 & 0xF0 == 0xC0 ? Int(sw2 & 0x0F) : nil }

    public var description: String {
        let hex = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: 4 - hex.count) + hex
    }

    /// What the status word means, in the words of ISO 7816-4.
    public var meaning: String {
        switch value {
        case 0x9000: return "success"
        case 0x6282: return "end of file reached before reading the expected number of bytes"
        case 0x6283: return "selected file deactivated"
        case 0x6581: return "memory failure"
        case 0x6700: return "wrong length"
        case 0x6881: return "logical channel not supported"
        case 0x6882: return "secure messaging not supported"
        case 0x6883: return "last command of the chain expected"
        case 0x6884: return "command chaining not supported"
        case 0x6981: return "command incompatible with file structure"
        case 0x6982: return "security status not satisfied"
        case 0x6983: return "authentication method blocked"
        case 0x6984: return "reference data not usable"
        case 0x6985: return "conditions of use not satisfied"
        case 0x6986: return "command not allowed (no current EF)"
        case 0x6A80: return "incorrect parameters in the command data field"
        case 0x6A81: return "function not supported"
        case 0x6A82: return "file or application not found"
        case 0x6A84: return "not enough memory space in the file"
        case 0x6A86: return "incorrect parameters P1-P2"
        case 0x6A87: return "Nc inconsistent with parameters P1-P2"
        case 0x6A88: return "referenced data or reference data not found"
        case 0x6A89: return "file already exists"
        case 0x6A8A: return "DF name already exists"
        case 0x6B00: return "wrong parameters P1-P2 (offset outside the file)"
        case 0x6D00: return "instruction code not supported or invalid"
        case 0x6E00: return "class not supported"
        case 0x6F00: return "no precise diagnosis"
        default: break
        }
        switch sw1 {
        case 0x61: return "\(sw2 == 0 ? 256 : Int(sw2)) more bytes available (GET RESPONSE)"
        case 0x62: return "warning: non-volatile memory unchanged"
        case 0x63 where sw2 & 0xF0 == 0xC0: return "verification failed, \(sw2 & 0x0F) tries left"
        case 0x63: return "warning: non-volatile memory changed"
        case 0x64: return "execution error: non-volatile memory unchanged"
        case 0x65: return "execution error: non-volatile memory changed"
        case 0x66: return "security-related issue"
        case 0x67: return "wrong length"
        case 0x68: return "functions in CLA not supported"
        case 0x69: return "command not allowed"
        case 0x6A: return "wrong parameters P1-P2"
        case 0x6C: return "wrong Le field (\(sw2 == 0 ? 256 : Int(sw2)) bytes available)"
        default: return "unknown status"
        }
    }
}
