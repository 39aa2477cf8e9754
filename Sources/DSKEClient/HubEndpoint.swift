/// Where a client reaches one hub. The position of the hub in `ClientSettings.hubs` is the Shamir
/// share index it relays, so every client of a network must list the hubs in the same order (the
/// configuration sorts them by name).
public struct HubEndpoint: Sendable, Hashable {
    public var name: String
    /// `http://HOST:PORT/hub/NAME`, without a trailing slash.
    public var baseURL: String

    public init(name: String, baseURL: String) {
        self.name = name
        self.baseURL = baseURL
    }
}
