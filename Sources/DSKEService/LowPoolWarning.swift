import DSKECore

/// A pool of a client–hub pair that runs low while nothing refills it (courier mode): which pair,
/// which pool, how much is left, and the command that issues the pair a new bundle.
public struct LowPoolWarning: Sendable, Hashable {
    public let client: String
    public let hub: String
    /// Who allocates from the pool.
    public let owner: PoolOwner
    public let unusedBytes: Int
    /// What the pool held after its last import (or when the node started).
    public let fullBytes: Int

    public init(client: String, hub: String, owner: PoolOwner, unusedBytes: Int, fullBytes: Int) {
        self.client = client
        self.hub = hub
        self.owner = owner
        self.unusedBytes = unusedBytes
        self.fullBytes = fullBytes
    }

    /// Whole percent left, rounded down (so "0%" means less than 1%, not nothing).
    public var percentLeft: Int { fullBytes > 0 ? unusedBytes * 100 / fullBytes : 0 }

    /// `carol↔hank: client-owned pool 12% left (9830 of 81920 bytes), issue a new bundle: psrd-courier issue --hub hank --client carol --to MEDIUM`
    public var message: String {
        let level = unusedBytes == 0
            ? "empty"
            : "\(percentLeft)% left (\(unusedBytes) of \(fullBytes) bytes)"
        return "\(client)↔\(hub): \(owner.rawValue)-owned pool \(level), issue a new bundle: "
            + "psrd-courier issue --hub \(hub) --client \(client) --to MEDIUM"
    }

    /// The entry of `pool_warnings` in the management status.
    public var json: JSONValue {
        .object([
            "client": .string(client),
            "hub": .string(hub),
            "owner": .string(owner.rawValue),
            "unused_bytes": .number(JSONNumber(unusedBytes)),
            "full_bytes": .number(JSONNumber(fullBytes)),
            "percent_left": .number(JSONNumber(percentLeft)),
            "message": .string(message),
        ])
    }
}
