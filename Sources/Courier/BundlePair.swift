/// The client-hub pair whose pools a bundle fills.
public struct BundlePair: Sendable, Hashable, Codable {
    public let hub: String
    public let client: String

    public init(hub: String, client: String) {
        self.hub = hub
        self.client = client
    }

    private enum CodingKeys: String, CodingKey { case hub, client }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        hub = try container.decodeNodeName(forKey: .hub)
        client = try container.decodeNodeName(forKey: .client)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(hub, forKey: .hub)
        try container.encode(client, forKey: .client)
    }
}
