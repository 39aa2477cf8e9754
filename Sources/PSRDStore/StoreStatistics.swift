/// Counters of the store's disk work since it was opened: what the per-chunk design promises
/// (a few syncs per chunk, none per key) can be checked against them.
public struct StoreStatistics: Sendable, Hashable {
    /// Mark persists on the allocate/take path (each one database commit).
    public var markPersists = 0
    /// Database write transactions committed (each one an fsync of the WAL).
    public var databaseCommits = 0
    /// msync calls on block files (erasures made durable).
    public var fileSyncs = 0

    public init() {}
}
