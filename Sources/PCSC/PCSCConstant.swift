import CPCSC

/// pcsclite.h values as the DWORDs the API takes (DWORD is a C unsigned long on Linux).
enum PCSCConstant {
    static let scopeSystem: DWORD = 0x0002
    static let shareExclusive: DWORD = 0x0001
    static let shareShared: DWORD = 0x0002
    static let protocolT0: DWORD = 0x0001
    static let protocolT1: DWORD = 0x0002
    static let leaveCard: DWORD = 0x0000
    static let resetCard: DWORD = 0x0001
    static let unpowerCard: DWORD = 0x0002
    static let stateUnaware: DWORD = 0x0000
    static let stateChanged: DWORD = 0x0002
    static let stateEmpty: DWORD = 0x0010
    static let statePresent: DWORD = 0x0020
    static let stateExclusive: DWORD = 0x0080
    static let stateInUse: DWORD = 0x0100
    static let stateMute: DWORD = 0x0200
    /// SCardStatus state bit: the card is absent.
    static let statusAbsent: DWORD = 0x0002
    /// SCARD_ATTR_MAXINPUT: SCARD_ATTR_VALUE(SCARD_CLASS_VENDOR_DEFINED = 7, 0xA007).
    static let attrMaxInput: DWORD = 0x0007_A007
    /// MAX_BUFFER_SIZE_EXTENDED: 64 KiB of data, header, Lc, Le and SW.
    static let maxBufferExtended = 4 + 3 + (1 << 16) + 3 + 2
}
