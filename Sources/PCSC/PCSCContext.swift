import CPCSC
import Foundation

/// A PC/SC resource-manager context (SCardEstablishContext): lists readers, connects to cards.
///
/// Not Sendable: pcsc-lite contexts belong to one thread of use. Create one per task.
public final class PCSCContext {
    let handle: SCARDCONTEXT

    /// Throws `.serviceNotAvailable` when pcscd is not running.
    public init() throws(PCSCError) {
        var context: SCARDCONTEXT = 0
        let rv = SCardEstablishContext(PCSCConstant.scopeSystem, nil, nil, &context)
        guard PCSCReturnCode.code(rv) == PCSCReturnCode.success else {
            throw PCSCReturnCode.error(rv, function: "SCardEstablishContext")
        }
        handle = context
    }

    deinit {
        SCardReleaseContext(handle)
    }

    /// The readers pcscd knows, with card presence; empty when there is none.
    public func readers() throws(PCSCError) -> [ReaderInfo] {
        let names = try readerNames()
        guard !names.isEmpty else { return [] }
        let cNames = names.map { strdup($0) }
        defer { cNames.forEach { free($0) } }
        var states = cNames.map { name -> SCARD_READERSTATE in
            var state = SCARD_READERSTATE()
            state.szReader = UnsafePointer(name)
            state.dwCurrentState = PCSCConstant.stateUnaware
            return state
        }
        let rv = SCardGetStatusChange(handle, 0, &states, DWORD(states.count))
        let code = PCSCReturnCode.code(rv)
        guard code == PCSCReturnCode.success || code == PCSCReturnCode.timeout else {
            throw PCSCReturnCode.error(rv, function: "SCardGetStatusChange")
        }
        return zip(names, states).map { name, state in
            let event = state.dwEventState
            let present = event & PCSCConstant.statePresent != 0
            var atr: String?
            if present && state.cbAtr > 0 {
                let bytes = withUnsafeBytes(of: state.rgbAtr) { Array($0.prefix(Int(min(state.cbAtr, 33)))) }
                atr = AnswerToReset(bytes).hex
            }
            return ReaderInfo(name: name, cardPresent: present, atr: atr,
                              exclusive: event & PCSCConstant.stateExclusive != 0,
                              inUse: event & PCSCConstant.stateInUse != 0,
                              mute: event & PCSCConstant.stateMute != 0)
        }
    }

    func readerNames() throws(PCSCError) -> [String] {
        var size: DWORD = 0
        var rv = SCardListReaders(handle, nil, nil, &size)
        if PCSCReturnCode.code(rv) == PCSCReturnCode.noReadersAvailable { return [] }
        guard PCSCReturnCode.code(rv) == PCSCReturnCode.success else {
            throw PCSCReturnCode.error(rv, function: "SCardListReaders")
        }
        var buffer = [CChar](repeating: 0, count: Int(size))
        rv = SCardListReaders(handle, nil, &buffer, &size)
        if PCSCReturnCode.code(rv) == PCSCReturnCode.noReadersAvailable { return [] }
        guard PCSCReturnCode.code(rv) == PCSCReturnCode.success else {
            throw PCSCReturnCode.error(rv, function: "SCardListReaders")
        }
        // A multi-string: names separated by NUL, ended by an empty name.
        return buffer.prefix(Int(size)).split(separator: 0).map {
            String(decoding: $0.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }

    /// Connects to the card in `reader`.
    public func connect(reader: String, share: ShareMode = .shared,
                        protocols: CardProtocols = .any) throws(PCSCError) -> CardConnection {
        var card: SCARDHANDLE = 0
        var active: DWORD = 0
        let rv = SCardConnect(handle, reader, share.dword, DWORD(protocols.rawValue), &card, &active)
        guard PCSCReturnCode.code(rv) == PCSCReturnCode.success else {
            if PCSCReturnCode.code(rv) == PCSCReturnCode.unknownReader {
                throw .readerNotFound(reader, available: (try? readerNames()) ?? [])
            }
            throw PCSCReturnCode.error(rv, function: "SCardConnect", reader: reader)
        }
        return try CardConnection(context: self, handle: card, reader: reader, activeProtocol: active)
    }

    /// Waits up to `milliseconds` for `reader` to report no card; true when it does.
    func waitForRemoval(reader: String, milliseconds: Int) -> Bool {
        let name = strdup(reader)
        defer { free(name) }
        var state = SCARD_READERSTATE()
        state.szReader = UnsafePointer(name)
        state.dwCurrentState = PCSCConstant.stateUnaware
        // First call learns the current state; the second waits for it to change.
        guard PCSCReturnCode.code(SCardGetStatusChange(handle, 0, &state, 1)) == PCSCReturnCode.success else {
            return false
        }
        if state.dwEventState & PCSCConstant.statePresent == 0 { return true }
        state.dwCurrentState = state.dwEventState & ~PCSCConstant.stateChanged
        let rv = SCardGetStatusChange(handle, DWORD(milliseconds), &state, 1)
        return PCSCReturnCode.code(rv) == PCSCReturnCode.success && state.dwEventState & PCSCConstant.statePresent == 0
    }

    /// Connects to the card in `reader`, or, when nil, to the only reader that holds a card.
    public func connectToCard(reader: String? = nil, share: ShareMode = .shared) throws(PCSCError) -> CardConnection {
        if let reader { return try connect(reader: reader, share: share) }
        let all = try readers()
        guard !all.isEmpty else { throw .noReaders }
        let withCard = all.filter(\.cardPresent)
        switch withCard.count {
        case 0: throw .noCard(reader: all.count == 1 ? all[0].name : "any reader")
        case 1: return try connect(reader: withCard[0].name, share: share)
        default: throw .ambiguousReader(withCard.map(\.name))
        }
    }
}
