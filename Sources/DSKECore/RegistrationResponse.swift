/// Answer to a registration: the hub confirms its name.
public struct RegistrationResponse: WireMessage, Hashable {
    public let hubName: String

    public init(hubName: String) { self.hubName = hubName }

    enum CodingKeys: String, CodingKey {
        case hubName = "hub_name"
    }
}
