import CPCSC

/// A connection to the card in one reader (SCardConnect), carrying raw APDUs.
///
/// Ends with SCardDisconnect(SCARD_RESET_CARD) unless `disconnect` says otherwise, so a PIN
/// verified in this session does not stay verified for the next program.
public final class CardConnection: CardTransport {
    /// Kept so the context outlives its card handles (releasing it invalidates them).
    let context: PCSCContext
    let handle: SCARDHANDLE
    public let reader: String
    public let atr: [UInt8]
    /// T=0 or T=1, as negotiated by pcscd.
    public let activeProtocol: CardProtocols
    public let maxCommandLength: Int?
    private var connected = true
    private var receiveBuffer = [UInt8](repeating: 0, count: PCSCConstant.maxBufferExtended)

    init(context: PCSCContext, handle: SCARDHANDLE, reader: String, activeProtocol: DWORD) throws(PCSCError) {
        self.context = context
        self.handle = handle
        self.reader = reader
        self.activeProtocol = CardProtocols(rawValue: UInt32(activeProtocol))
        var atrBytes = [UInt8](repeating: 0, count: 33)
        var atrLength = DWORD(atrBytes.count)
        var state: DWORD = 0
        var proto: DWORD = 0
        var nameLength: DWORD = 0
        let rv = SCardStatus(handle, nil, &nameLength, &state, &proto, &atrBytes, &atrLength)
        guard PCSCReturnCode.code(rv) == PCSCReturnCode.success else {
            SCardDisconnect(handle, PCSCConstant.leaveCard)
            throw PCSCReturnCode.error(rv, function: "SCardStatus", reader: reader)
        }
        atr = Array(atrBytes.prefix(Int(atrLength)))
        // Readers that know their limit report it (CCID: dwMaxCCIDMessageLength - 10).
        var value = [UInt8](repeating: 0, count: 8)
        var valueLength = DWORD(value.count)
        if PCSCReturnCode.code(SCardGetAttrib(handle, PCSCConstant.attrMaxInput, &value, &valueLength))
            == PCSCReturnCode.success, valueLength >= 4 {
            let n = Int(value[0]) | Int(value[1]) << 8 | Int(value[2]) << 16 | Int(value[3]) << 24
            maxCommandLength = n > 0 ? n : nil
        } else {
            maxCommandLength = nil
        }
    }

    deinit {
        if connected { SCardDisconnect(handle, PCSCConstant.resetCard) }
    }

    public var answerToReset: AnswerToReset { AnswerToReset(atr) }

    public func transmit(_ command: [UInt8]) throws(PCSCError) -> [UInt8] {
        guard connected else { throw .invalidArgument("the connection to \"\(reader)\" is closed") }
        guard command.count <= PCSCConstant.maxBufferExtended else {
            throw .invalidArgument("a command APDU of \(command.count) bytes is too long")
        }
        var received = DWORD(receiveBuffer.count)
        let pci = activeProtocol.contains(.t1) ? g_rgSCardT1Pci : g_rgSCardT0Pci
        let rv = withUnsafePointer(to: pci) { sendPci in
            command.withUnsafeBufferPointer { send in
                receiveBuffer.withUnsafeMutableBufferPointer { receive in
                    SCardTransmit(handle, sendPci, send.baseAddress, DWORD(send.count), nil,
                                  receive.baseAddress, &received)
                }
            }
        }
        guard PCSCReturnCode.code(rv) == PCSCReturnCode.success else {
            throw failure(rv, function: "SCardTransmit")
        }
        // Some reader drivers (vpcd among them) report a card that vanished mid-exchange as
        // success with an empty answer.
        if received < 2 && (!cardStillPresent() || context.waitForRemoval(reader: reader, milliseconds: 1500)) {
            throw .cardRemoved
        }
        return Array(receiveBuffer.prefix(Int(received)))
    }

    /// A failed exchange may mean the card left: then say so rather than "not transacted".
    /// pcscd notices a removal at its next presence poll, so give it a moment to.
    private func failure(_ rv: LONG, function: String) -> PCSCError {
        let error = PCSCReturnCode.error(rv, function: function, reader: reader)
        guard case .pcsc = error else { return error }
        if !cardStillPresent() || context.waitForRemoval(reader: reader, milliseconds: 1500) { return .cardRemoved }
        return error
    }

    /// SCardStatus: false when the card is absent or the handle reports removal.
    public func cardStillPresent() -> Bool {
        var state: DWORD = 0
        var proto: DWORD = 0
        var nameLength: DWORD = 0
        var atrLength: DWORD = 0
        let rv = SCardStatus(handle, nil, &nameLength, &state, &proto, nil, &atrLength)
        let code = PCSCReturnCode.code(rv)
        if code == PCSCReturnCode.removedCard || code == PCSCReturnCode.noSmartcard { return false }
        if code == PCSCReturnCode.success || code == PCSCReturnCode.insufficientBuffer {
            return state & PCSCConstant.statusAbsent == 0
        }
        return true
    }

    public func beginTransaction() throws(PCSCError) {
        let rv = SCardBeginTransaction(handle)
        guard PCSCReturnCode.code(rv) == PCSCReturnCode.success else {
            throw failure(rv, function: "SCardBeginTransaction")
        }
    }

    public func endTransaction() {
        SCardEndTransaction(handle, PCSCConstant.leaveCard)
    }

    /// Ends the connection; `.reset` (the default) clears the card's security status.
    public func disconnect(_ disposition: Disposition = .reset) {
        guard connected else { return }
        connected = false
        SCardDisconnect(handle, disposition.dword)
    }
}
