import Foundation

/// Answer to `GET /hub/{hub}/dske/oob/v1/psrd`: a fresh block of pre-shared random data.
///
/// `data` is secret: `description` and reflection show only its length.
public struct PSRDBlockResponse: WireMessage, Hashable {
    public let blockUUID: UUID
    public let data: [UInt8]

    public init(blockUUID: UUID, data: [UInt8]) {
        self.blockUUID = blockUUID
        self.data = data
    }

    enum CodingKeys: String, CodingKey {
        case blockUUID = "block_uuid"
        case data
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        blockUUID = try container.decodeCanonicalUUID(forKey: .blockUUID)
        data = try container.decodeBase64(forKey: .data)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(blockUUID.lowercased, forKey: .blockUUID)
        try container.encode(StrictBase64.encode(data), forKey: .data)
    }
}

extension PSRDBlockResponse: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "PSRDBlockResponse(block_uuid: \(blockUUID.lowercased), data: \(data.count) bytes)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror {
        Mirror(self, children: ["blockUUID": blockUUID, "data": "\(data.count) bytes"], displayStyle: .struct)
    }
}
