/// The outcome of `DSKECard.enrol`: the identity written, and the PUK when the card chose it
/// (to be shown to the holder once; it is not stored anywhere else).
public struct CardEnrolment: Sendable {
    public var identity: CardIdentity
    public var generatedPUK: CardPIN?
}
