import DSKECore

/// draft-cisco-skip `GET /entropy`: random bytes from this node's CSPRNG, in hex.
public struct SKIPEntropy: WireMessage, Hashable {
    public var randomStr: String
    /// Bits of entropy in `randomStr` (every bit of it: the bytes are full-entropy).
    public var minentropy: Int

    public init(randomStr: String, minentropy: Int) {
        self.randomStr = randomStr
        self.minentropy = minentropy
    }
}
