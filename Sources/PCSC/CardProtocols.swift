import CPCSC

/// The transmission protocols a connection may use; pcscd picks one the card's ATR offers.
public struct CardProtocols: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let t0 = CardProtocols(rawValue: 0x0001)
    public static let t1 = CardProtocols(rawValue: 0x0002)
    public static let any: CardProtocols = [.t0, .t1]
}

/// How a connection shares the card with other programs.
public enum ShareMode: Sendable {
    /// Others may connect; this package brackets multi-APDU operations in transactions.
    case shared
    /// Nobody else may connect while the connection is open.
    case exclusive

    var dword: DWORD { self == .shared ? PCSCConstant.shareShared : PCSCConstant.shareExclusive }
}

/// What happens to the card when a connection ends.
public enum Disposition: Sendable {
    /// Leave it as it is (a verified PIN stays verified for the next program).
    case leave
    /// Reset it: the security status (verified PIN) is cleared. The default here.
    case reset
    /// Power it down.
    case unpower

    var dword: DWORD {
        switch self {
        case .leave: PCSCConstant.leaveCard
        case .reset: PCSCConstant.resetCard
        case .unpower: PCSCConstant.unpowerCard
        }
    }
}
