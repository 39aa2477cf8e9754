/// Memory on the card, as far as the card says (the DSKE virtual card reports capacity and
/// free bytes in its FCP; a card that does not leaves them nil).
public struct CardSpace: Equatable, Sendable {
    /// Bytes of file data the card holds in all.
    public var capacity: Int?
    /// Bytes free now.
    public var free: Int?
    /// Size of the committed bundle (0 when there is none).
    public var bundleSize: Int
    /// Bytes held by bundle slots (the committed bundle and any leftover of an interrupted
    /// write): a new bundle may reuse them.
    public var bundleSlots: Int

    public init(capacity: Int?, free: Int?, bundleSize: Int, bundleSlots: Int) {
        self.capacity = capacity
        self.free = free
        self.bundleSize = bundleSize
        self.bundleSlots = bundleSlots
    }

    /// The largest bundle a write can put on the card (replacing the one there, if any).
    public var largestBundle: Int? { free.map { $0 + bundleSlots } }
}
