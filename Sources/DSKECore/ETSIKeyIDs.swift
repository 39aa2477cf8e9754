import Foundation

/// ETSI GS QKD 014 V1.1.1 Key IDs: the body of `POST /api/v1/keys/{master_SAE_ID}/dec_keys`.
public struct ETSIKeyIDs: WireMessage, Hashable {
    public var keyIDs: [ETSIKeyID]
    public var keyIDsExtension: JSONObject?

    public init(keyIDs: [ETSIKeyID], keyIDsExtension: JSONObject? = nil) {
        self.keyIDs = keyIDs
        self.keyIDsExtension = keyIDsExtension
    }

    enum CodingKeys: String, CodingKey {
        case keyIDs = "key_IDs"
        case keyIDsExtension = "key_IDs_extension"
    }
}

/// A dec_keys body of 128 key IDs went through the JSON tree, Codable and Foundation's `sscanf`
/// for every ID; the plain form (no extensions, no other members, IDs as hyphenated hex of any
/// case) is read straight from the bytes. Anything else answers nil and takes the Codable path,
/// which stays the definition (`DirectWireMessageTests` holds both to the same result).
extension ETSIKeyIDs: DirectBytesMessage {
    init?(directBytes bytes: UnsafeBufferPointer<UInt8>) {
        guard let ids = DirectWireReader.read(bytes, { reader -> [ETSIKeyID]? in
            var ids: [ETSIKeyID]?
            guard reader.object({ reader, key in
                key.isKey("key_IDs") && ids.fill(reader.array(limit: .max, ETSIKeyID.read))
            }) else { return nil }
            return ids
        }) else { return nil }
        self.init(keyIDs: ids)
    }
}

extension ETSIKeyID {
    /// `{"key_ID":"..."}` and nothing else.
    static func read(_ reader: inout DirectWireReader) -> ETSIKeyID? {
        var id: UUID?
        guard reader.object({ reader, key in key.isKey("key_ID") && id.fill(reader.hyphenatedUUID()) }), let id else { return nil }
        return ETSIKeyID(keyID: id)
    }
}
