import Synchronization

/// Counts failed signature checks per peer in a sliding window and refuses a peer that has failed
/// too often, before any PSRD is read. Failed checks burn no PSRD anyway; the limiter bounds the
/// work (store look-ups, MAC computations) a forger can make a node do, and makes a peer whose
/// pools drifted out of step visible in the log as one clear 429 instead of a stream of 401s.
///
/// The key is the claimed peer name plus the remote address: keyed by name alone, anyone who can
/// reach the node could lock a legitimate peer out by sending garbage in its name.
public actor FailureLimiter {
    public struct Key: Hashable, Sendable {
        public let peer: String
        public let address: String

        public init(peer: String, address: String) {
            self.peer = peer
            self.address = address
        }
    }

    public let maxFailures: Int
    public let window: Duration
    private let now: @Sendable () -> ContinuousClock.Instant
    private var failures: [Key: [ContinuousClock.Instant]] = [:] {
        didSet { trackedKeys.withLock { $0 = failures.count } }
    }
    /// `failures.count`, readable without entering the actor: while no peer has failed, a
    /// request skips the check (and the hop to this actor, and formatting its address).
    private nonisolated let trackedKeys = Mutex(0)
    /// Bounds memory when failures come from many addresses: the oldest keys go first.
    private let maxKeys: Int

    public init(maxFailures: Int = 20, window: Duration = .seconds(60), maxKeys: Int = 10_000,
                now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }) {
        precondition(maxFailures > 0, "the failure limit must be positive")
        self.maxFailures = maxFailures
        self.window = window
        self.maxKeys = maxKeys
        self.now = now
    }

    /// False while no failure is on record: then no peer is blocked.
    public nonisolated var mayBlock: Bool { trackedKeys.withLock { $0 > 0 } }

    /// Whether the peer may try a signature check now.
    public func isBlocked(_ key: Key) -> Bool {
        prune(key)
        return (failures[key]?.count ?? 0) >= maxFailures
    }

    /// Throws `tooManyFailures` when the peer is blocked.
    public func check(_ key: Key) throws(ServiceError) {
        if isBlocked(key) { throw .tooManyFailures(peer: key.peer) }
    }

    public func recordFailure(_ key: Key) {
        prune(key)
        if failures[key] == nil, failures.count >= maxKeys {
            // Lists are never empty (prune drops empty ones), so `last` is the latest failure.
            let cutoff = now() - window
            failures = failures.filter { ($0.value.last ?? cutoff) > cutoff }
            if failures.count >= maxKeys,
               let victim = failures.min(by: { ($0.value.last ?? cutoff) < ($1.value.last ?? cutoff) })?.key {
                failures[victim] = nil
            }
        }
        failures[key, default: []].append(now())
    }

    /// A success does not erase earlier failures: otherwise one valid message would reset a
    /// forger sharing the peer's address.
    public func failureCount(_ key: Key) -> Int {
        prune(key)
        return failures[key]?.count ?? 0
    }

    /// Total failures recorded in the current window, over all peers (for status counters).
    public func totalRecentFailures() -> Int {
        let cutoff = now() - window
        return failures.values.reduce(0) { $0 + $1.filter { $0 > cutoff }.count }
    }

    private func prune(_ key: Key) {
        guard var list = failures[key] else { return }
        let cutoff = now() - window
        list.removeAll { $0 <= cutoff }
        failures[key] = list.isEmpty ? nil : list
    }
}
