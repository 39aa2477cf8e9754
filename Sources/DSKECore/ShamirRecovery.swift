/// The outcome of `Shamir.robustReconstruct`: the secret and which shares agree with it.
public struct ShamirRecovery: Sendable {
    public let secret: [UInt8]
    /// Indices of the shares that lie on the recovered polynomial, ascending.
    public let consistentIndices: [UInt8]
    /// Indices of the shares that do not: wrong, corrupted or tampered with. Ascending.
    public let inconsistentIndices: [UInt8]

    public init(secret: [UInt8], consistentIndices: [UInt8], inconsistentIndices: [UInt8]) {
        self.secret = secret
        self.consistentIndices = consistentIndices
        self.inconsistentIndices = inconsistentIndices
    }
}
