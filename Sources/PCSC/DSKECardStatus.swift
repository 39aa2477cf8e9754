/// What `card status` shows; gathered without the PIN.
public struct DSKECardStatus: Equatable, Sendable {
    public enum State: String, Sendable {
        /// No DSKE application on the card.
        case blank
        /// The application exists but an enrolment did not finish (card pulled mid-enrolment).
        case incomplete
        case enrolled
    }

    public var reader: String
    public var atr: String
    public var state: State
    public var identity: CardIdentity?
    /// PIN and PUK retry state; nil on a blank card.
    public var pin: VerificationState?
    public var puk: VerificationState?
    public var space: CardSpace
    /// Extended-length APDUs in use with this card and reader.
    public var extendedLength: Bool
}
