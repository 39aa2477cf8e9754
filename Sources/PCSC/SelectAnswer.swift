/// What SELECT asks the card to return (P2 bits b4-b3).
public enum SelectAnswer: Sendable {
    /// The FCI template (6F), P2 = 00.
    case fci
    /// The FCP template (62), P2 = 04.
    case fcp
    /// Nothing, P2 = 0C.
    case none

    var p2: UInt8 {
        switch self {
        case .fci: 0x00
        case .fcp: 0x04
        case .none: 0x0C
        }
    }
}
