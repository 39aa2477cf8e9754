import DSKECore
import Foundation

/// What one hub gave for a key request's keys, opened. When the hub answered every requested key,
/// packed and in request order (the usual case), the shares stay one column that the relay
/// rebuilds the batch from at once; otherwise each key has its own outcome.
struct FetchedShares: Sendable {
    /// The share index the hub claimed and the shares of all the requested keys, in request order.
    let column: (index: Int, shares: ShareColumn)?
    /// Each key's outcome, when there is no column.
    let perKey: [UUID: Result<ShamirShare, HubFailure>]

    init(index: Int, column: ShareColumn) {
        self.column = (index, column)
        perKey = [:]
    }

    init(_ perKey: [UUID: Result<ShamirShare, HubFailure>]) {
        column = nil
        self.perKey = perKey
    }

    /// The outcome for the key at `position` in the request, `keyID`.
    func outcome(for keyID: UUID, at position: Int) -> Result<ShamirShare, HubFailure> {
        if let column { return .success(ShamirShare(index: UInt8(column.index), value: column.shares.share(position))) }
        return perKey[keyID] ?? .failure(.unavailable("no answer"))
    }

    /// Whether some key has a share here, outside the column.
    var hasPerKeyShares: Bool {
        perKey.values.contains { if case .success = $0 { true } else { false } }
    }

    /// Every key's outcome, one per key (for requests split over several messages).
    func perKeyOutcomes(_ keyIDs: [UUID]) -> [UUID: Result<ShamirShare, HubFailure>] {
        guard column != nil else { return perKey }
        var outcomes: [UUID: Result<ShamirShare, HubFailure>] = [:]
        outcomes.reserveCapacity(keyIDs.count)
        for (position, keyID) in keyIDs.enumerated() { outcomes[keyID] = outcome(for: keyID, at: position) }
        return outcomes
    }

    /// Zeroes the column's shares once the keys are rebuilt.
    func wipe() {
        if let column { SecretBytes.wipe(column.shares.bytes) }
    }
}
