/// The body of a DSKE error answer (4xx/5xx): `{"message": str, "details": object|null}`.
/// `details` is always written, as `null` when absent, because the reference always writes it.
public struct ErrorResponse: WireMessage, Hashable {
    public let message: String
    public let details: JSONObject?

    public init(message: String, details: JSONObject? = nil) {
        self.message = message
        self.details = details
    }

    enum CodingKeys: String, CodingKey {
        case message
        case details
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        message = try container.decode(String.self, forKey: .message)
        details = try container.decodeIfPresent(JSONObject.self, forKey: .details)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(message, forKey: .message)
        if let details {
            try container.encode(details, forKey: .details)
        } else {
            try container.encodeNil(forKey: .details)
        }
    }
}
