import DSKECore

/// Shares sealed for the client that fetches them, in the form its request asked for: packed
/// (one allocation, one buffer) or as a list of share objects.
enum SealedShares: Sendable {
    case packed(PackedShares)
    case list([BatchKeyShare])
}

extension FetchKeySharesResponse {
    init(_ sealed: SealedShares) {
        switch sealed {
        case .packed(let packed): self.init(packed: packed)
        case .list(let shares): self.init(shares: shares)
        }
    }
}

extension KeySharesOutcome {
    /// A fetch's 200 outcome.
    init(_ sealed: SealedShares) {
        switch sealed {
        case .packed(let packed): self.init(packed: packed)
        case .list(let shares): self.init(status: 200, shares: shares)
        }
    }
}
