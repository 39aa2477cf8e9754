import DSKECore

/// The keystore file's top level.
struct KeystoreFile: WireMessage {
    static let currentVersion = 1
    let version: Int
    let hub: String
    let bundleKey: StoredKey
    let clients: [EnrolledClient]

    enum CodingKeys: String, CodingKey {
        case version, hub
        case bundleKey = "bundle_key"
        case clients
    }
}

/// `{"key_id": ..., "key": base64}`.
struct StoredKey: Codable, Sendable {
    let keyID: String
    let key: String

    init(key: EnrolmentKey) {
        keyID = key.keyID
        self.key = StrictBase64.encode(key.exportBytes())
    }

    enum CodingKeys: String, CodingKey {
        case keyID = "key_id"
        case key
    }
}

extension EnrolmentKey {
    init(bytesOrFail stored: StoredKey, path: String) throws(JobError) {
        guard let bytes = StrictBase64.decode(stored.key), let key = try? EnrolmentKey(bytes: bytes), key.keyID == stored.keyID else {
            throw .failure("courier keystore \(path) holds a damaged bundle key: restore it from a backup")
        }
        self = key
    }
}
