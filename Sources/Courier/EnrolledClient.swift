import DSKECore
import Foundation

/// A client as the hub's courier keystore knows it: what `psrd-courier enrol` recorded.
public struct EnrolledClient: Sendable, Codable {
    public let name: String
    /// The encryptors (SAE IDs) it serves, from the configuration at enrolment.
    public let encryptors: [String]
    public let key: EnrolmentKey
    public let enrolled: Date

    public var keyID: String { key.keyID }

    public init(name: String, encryptors: [String], key: EnrolmentKey, enrolled: Date = Date()) {
        self.name = name
        self.encryptors = encryptors
        self.key = key
        self.enrolled = BundleTime.truncate(enrolled)
    }

    private enum CodingKeys: String, CodingKey {
        case name, encryptors
        case keyID = "key_id"
        case key, enrolled
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decodeNodeName(forKey: .name)
        encryptors = try container.decode([String].self, forKey: .encryptors)
        key = try EnrolmentKey(bytes: container.decodeBase64(forKey: .key, count: EnrolmentKey.size))
        let keyID = try container.decode(String.self, forKey: .keyID)
        guard keyID == key.keyID else {
            throw DecodingError.dataCorruptedError(forKey: .keyID, in: container, debugDescription: "does not match the key")
        }
        enrolled = try container.decodeTime(forKey: .enrolled)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(encryptors, forKey: .encryptors)
        try container.encode(key.keyID, forKey: .keyID)
        try container.encode(StrictBase64.encode(key.exportBytes()), forKey: .key)
        try container.encode(BundleTime.format(enrolled), forKey: .enrolled)
    }
}
