import Foundation

/// Why a key request could not be served by the hubs. `ETSIError.init(_:)` maps each case to
/// the status the SAE sees.
enum KeyRelayError: Error, Sendable, Equatable {
    /// Fewer than k hubs took (or gave) the shares; they may be back later.
    case notEnoughHubs(needed: Int, succeeded: Int, causes: [String])
    /// The hubs hold no shares for these keys: never made, already delivered, or expired.
    case keysNotFound([UUID])
    /// The hubs refuse this KME the shares: the calling SAE is not the slave named at Get key,
    /// or the master SAE does not match the key.
    case notAllowed(String)
    /// Enough shares arrived, but no k of them rebuild a key whose digest verifies.
    case inconsistentShares(UUID, String)
    /// A fault of this node.
    case internalError(String)
}
