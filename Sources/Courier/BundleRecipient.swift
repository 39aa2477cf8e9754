import DSKECore

/// The node a bundle is addressed to: the pair's client or the pair's hub.
public struct BundleRecipient: Sendable, Hashable, Codable {
    public let name: String
    public let role: PoolOwner

    public init(name: String, role: PoolOwner) {
        self.name = name
        self.role = role
    }

    private enum CodingKeys: String, CodingKey { case name, role }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decodeNodeName(forKey: .name)
        role = try container.decode(PoolOwner.self, forKey: .role)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(role.rawValue, forKey: .role)
    }
}
