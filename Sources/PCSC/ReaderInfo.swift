/// One PC/SC reader as pcscd reports it.
public struct ReaderInfo: Equatable, Sendable, Codable {
    public var name: String
    /// A card sits in the reader.
    public var cardPresent: Bool
    /// The card's ATR in hex, when a card is present.
    public var atr: String?
    /// Another program holds the card exclusively.
    public var exclusive: Bool
    /// Another program has the card open (shared).
    public var inUse: Bool
    /// The card does not answer (mute).
    public var mute: Bool

    public init(name: String, cardPresent: Bool, atr: String? = nil, exclusive: Bool = false,
                inUse: Bool = false, mute: Bool = false) {
        self.name = name
        self.cardPresent = cardPresent
        self.atr = atr
        self.exclusive = exclusive
        self.inUse = inUse
        self.mute = mute
    }

    enum CodingKeys: String, CodingKey {
        case name, atr, exclusive, mute
        case cardPresent = "card_present"
        case inUse = "in_use"
    }
}
