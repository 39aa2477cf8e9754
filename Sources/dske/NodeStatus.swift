import DSKECore
import Foundation

/// Reading a node's management status (`GET .../mgmt/v1/status`) for readiness and the status
/// table. The status is parsed as free-form JSON so that a field added by a node never breaks the
/// manager.
struct NodeStatus: Sendable {
    let json: JSONObject

    init?(_ body: Data) {
        guard case .object(let object)? = try? WireCoding.parse(body) else { return nil }
        json = object
    }

    /// Whether the node can serve requests: a node that says `"ready": false` is still setting
    /// up (a client registering with its hubs and filling its pools); one that does not say is
    /// ready once it answers.
    static func isReady(_ body: Data, role: Topology.Role) -> Bool {
        guard let status = NodeStatus(body) else { return false }
        if case .bool(let ready)? = status.json["ready"] { return ready }
        return true
    }

    /// The hubs a client lists as not registered or not reachable.
    func hubsNotUsable() -> Set<String> {
        guard case .array(let items)? = json["registrations"] else { return [] }
        var names = Set<String>()
        for case .object(let item) in items {
            guard case .string(let hub)? = item["hub_name"] else { continue }
            if case .bool(false)? = item["registered"] { names.insert(hub) }
            if case .bool(false)? = item["reachable"] { names.insert(hub) }
        }
        return names
    }

    /// The node's low-pool warnings (courier mode), each naming the pair and the issue command.
    var poolWarnings: [String] {
        guard case .array(let items)? = json["pool_warnings"] else { return [] }
        return items.compactMap { item in
            guard case .object(let object) = item, case .string(let message)? = object["message"] else { return nil }
            return message
        }
    }

    // MARK: Table cells

    /// Pools in one cell, per peer: unused bytes of the pool this node allocates from (own) and
    /// of the one the peer allocates from, `hank=1.9k/2.0k`.
    func poolsCell(role: Topology.Role) -> String {
        guard case .array(let pools)? = json["pools"] else { return "-" }
        var peers: [String] = []
        var own: [String: Int] = [:], theirs: [String: Int] = [:]
        for case .object(let pool) in pools {
            guard case .string(let peer)? = pool["peer"], case .string(let owner)? = pool["owner"],
                  case .number(let unused)? = pool["unused_bytes"], let bytes = unused.integer() else { continue }
            if !peers.contains(peer) { peers.append(peer) }
            if owner == role.rawValue { own[peer, default: 0] += bytes } else { theirs[peer, default: 0] += bytes }
        }
        guard !peers.isEmpty else { return "empty" }
        return peers.map { "\($0)=\(Self.bytes(own[$0] ?? 0))/\(Self.bytes(theirs[$0] ?? 0))" }.joined(separator: " ")
    }

    /// 999, 1.5k, 12k, 3.4M: pool levels at a glance.
    static func bytes(_ count: Int) -> String {
        func scaled(_ value: Double, _ unit: String) -> String {
            (value < 10 ? String(format: "%.1f", value) : String(Int(value))) + unit
        }
        switch count {
        case ..<1000: return String(count)
        case ..<1_000_000: return scaled(Double(count) / 1000, "k")
        case ..<1_000_000_000: return scaled(Double(count) / 1_000_000, "M")
        default: return scaled(Double(count) / 1_000_000_000, "G")
        }
    }

    /// The clients a hub knows, or the hubs a client is registered with; a client's hub that is
    /// not registered or not reachable is marked so.
    var registrationsCell: String {
        guard let value = json["registrations"] else { return "-" }
        guard case .array(let items) = value else { return Self.summarize(value) }
        guard !items.isEmpty else { return "none" }
        return items.map { item in
            var text = Self.name(of: item)
            if case .object(let object) = item {
                if case .bool(false)? = object["registered"] { text += "(unregistered)" }
                else if case .bool(false)? = object["reachable"] { text += "(unreachable)" }
            }
            return text
        }.joined(separator: ",")
    }

    var pendingSharesCell: String {
        guard let value = json["pending_shares"] else { return "-" }
        return Self.summarize(value)
    }

    /// Non-zero counters, and the hubs a client suspects of tampering.
    var countersCell: String {
        var parts: [String] = []
        if case .array(let suspects)? = json["suspect_hubs"], !suspects.isEmpty {
            parts.append("suspect_hubs=" + suspects.map(Self.summarize).joined(separator: ","))
        }
        if case .object(let counters)? = json["counters"] {
            for (key, value) in counters.members {
                if case .number(let number) = value, number.text == "0" { continue }
                parts.append("\(key)=\(Self.summarize(value))")
            }
        }
        return parts.isEmpty ? "all 0" : parts.joined(separator: " ")
    }

    private static func name(of value: JSONValue) -> String {
        if case .object(let object) = value {
            for key in ["name", "client_name", "hub_name", "peer"] {
                if case .string(let name)? = object[key] { return name }
            }
        }
        return summarize(value)
    }

    /// A compact one-line rendering of any JSON value.
    static func summarize(_ value: JSONValue) -> String {
        switch value {
        case .null: return "-"
        case .bool(let flag): return flag ? "yes" : "no"
        case .number(let number): return number.text
        case .string(let text): return text
        case .array(let items):
            return items.isEmpty ? "none" : items.map(summarize).joined(separator: ",")
        case .object(let object):
            return object.members.map { "\($0.key):\(summarize($0.value))" }.joined(separator: " ")
        }
    }
}
