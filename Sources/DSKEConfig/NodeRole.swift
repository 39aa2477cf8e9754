/// Whether a node is a hub (relays shares, hands out PSRD) or a client (a KME serving encryptors).
/// The raw values are the path segments of the nodes' base URLs.
public enum NodeRole: String, Sendable, Hashable, CaseIterable {
    case hub
    case client
}
