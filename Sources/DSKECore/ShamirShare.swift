/// One Shamir share: the polynomial's value at x = `index`, one byte per secret byte.
/// In DSKE the index is the position of the relaying hub in the client's hub list (0...15).
public struct ShamirShare: Sendable, Hashable {
    public let index: UInt8
    public let value: [UInt8]

    public init(index: UInt8, value: [UInt8]) {
        self.index = index
        self.value = value
    }
}
