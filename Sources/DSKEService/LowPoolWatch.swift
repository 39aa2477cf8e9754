import DSKECore

/// Decides which pools of a node run low, for hub and client alike (`NodeRuntime` asks it for
/// the status and for the log). Only meaningful where nothing refills pools: courier mode.
///
/// A pool is low when its unused bytes fall below `percent` of what it held when it was last
/// full: the level right after its last import, or at the node's start. The store drops used-up
/// blocks, so its current total alone would make a pool of several blocks look fuller than it is.
/// A peer the node expects (a client's hubs, a hub's enrolled clients) without any PSRD is low too.
public actor LowPoolWatch {
    public nonisolated let node: String
    public nonisolated let role: PoolOwner
    /// 1...100.
    public nonisolated let percent: Int

    private struct Pool: Hashable {
        let peer: String
        let owner: PoolOwner
    }

    private var full: [Pool: Int] = [:]
    private var lastUnused: [Pool: Int] = [:]
    private var warned: Set<Pool> = []

    /// nil when `percent` is 0 (warnings off).
    public init?(node: String, role: PoolOwner, percent: Int) {
        guard percent > 0 else { return nil }
        self.node = node
        self.role = role
        self.percent = min(percent, 100)
    }

    /// Every low pool now, pairs sorted by peer, the node's own pool first.
    public func warnings(levels: [PoolLevel], peers: [String]) -> [LowPoolWarning] {
        var byPool: [Pool: PoolLevel] = [:]
        for level in levels { byPool[Pool(peer: level.peer, owner: level.owner)] = level }
        let names = Set(peers).union(levels.map(\.peer)).sorted()
        let otherRole: PoolOwner = role == .client ? .hub : .client
        var result: [LowPoolWarning] = []
        for peer in names {
            for owner in [role, otherRole] {
                let pool = Pool(peer: peer, owner: owner)
                let unused = byPool[pool]?.unusedBytes ?? 0
                let total = byPool[pool]?.totalBytes ?? 0
                // An import raised the level: the pool is full again at its new total.
                if full[pool] == nil || unused > (lastUnused[pool] ?? 0) {
                    full[pool] = max(total, unused)
                } else {
                    full[pool] = max(full[pool]!, total)
                }
                lastUnused[pool] = unused
                let capacity = full[pool]!
                guard unused == 0 || unused * 100 < capacity * percent else { continue }
                let (client, hub) = role == .client ? (node, peer) : (peer, node)
                result.append(LowPoolWarning(client: client, hub: hub, owner: owner, unusedBytes: unused, fullBytes: capacity))
            }
        }
        return result
    }

    /// The low pools that were not low at the previous call: each drop below the mark is logged
    /// once, and again only after an import lifted the pool above it.
    public func newWarnings(levels: [PoolLevel], peers: [String]) -> [LowPoolWarning] {
        let current = warnings(levels: levels, peers: peers)
        let keys = Set(current.map { Pool(peer: role == .client ? $0.hub : $0.client, owner: $0.owner) })
        let fresh = current.filter { !warned.contains(Pool(peer: role == .client ? $0.hub : $0.client, owner: $0.owner)) }
        warned = keys
        return fresh
    }
}
