import Foundation
import Testing

/// What an encryptor (SAE) does over ETSI GS QKD 014, against one test network.
struct Key: Sendable, Equatable {
    let id: String
    let value: String
}

extension TestNetwork {
    /// Get key at the master's KME: GET enc_keys with the master SAE in Authorization.
    func getKey(master: String, slave: String, size: Int? = nil, number: Int? = nil,
                rootPath: Bool = false, kme: String? = nil) async throws -> HTTPResult {
        let client = kme ?? self.kme(of: master)
        var query: [String] = []
        if let number { query.append("number=\(number)") }
        if let size { query.append("size=\(size)") }
        let prefix = rootPath ? origin(client) + "/api/v1/keys" : baseURL(client) + "/etsi/api/v1/keys"
        let url = "\(prefix)/\(slave)/enc_keys" + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
        return try await HTTP.get(url, headers: [("Authorization", master)])
    }

    /// Get key with key IDs at `kme` (default: the slave's), called by `caller` (default: slave).
    func getKeyWithIDs(master: String, slave: String, ids: [String], caller: String? = nil,
                       kme: String? = nil, rootPath: Bool = false) async throws -> HTTPResult {
        let client = kme ?? self.kme(of: slave)
        let prefix = rootPath ? origin(client) + "/api/v1/keys" : baseURL(client) + "/etsi/api/v1/keys"
        let url = "\(prefix)/\(master)/dec_keys"
        let headers = [("Authorization", caller ?? slave)]
        if ids.count == 1 {
            return try await HTTP.get("\(url)?key_ID=\(ids[0])", headers: headers)
        }
        let body = "{\"key_IDs\":[" + ids.map { "{\"key_ID\":\"\($0)\"}" }.joined(separator: ",") + "]}"
        return try await HTTP.post(url, json: body, headers: headers)
    }

    /// Both sides of a key establishment; records test issues when either side fails or the keys
    /// differ, and returns the keys.
    @discardableResult
    func keyPair(master: String, slave: String, size: Int? = nil, number: Int? = nil,
                 sourceLocation: SourceLocation = #_sourceLocation) async throws -> [Key] {
        let masterReply = try await getKey(master: master, slave: slave, size: size, number: number)
        try #require(masterReply.status == 200, "Get key \(master)->\(slave): \(masterReply)", sourceLocation: sourceLocation)
        let keys = try Self.keys(in: masterReply)
        #expect(keys.count == (number ?? 1), sourceLocation: sourceLocation)
        let slaveReply = try await getKeyWithIDs(master: master, slave: slave, ids: keys.map(\.id))
        try #require(slaveReply.status == 200, "Get key with key IDs \(master)->\(slave): \(slaveReply)", sourceLocation: sourceLocation)
        let slaveKeys = try Self.keys(in: slaveReply)
        #expect(Dictionary(uniqueKeysWithValues: slaveKeys.map { ($0.id, $0.value) })
                == Dictionary(uniqueKeysWithValues: keys.map { ($0.id, $0.value) }),
                "keys differ for \(master)->\(slave)", sourceLocation: sourceLocation)
        if let size {
            for key in keys { #expect(Data(base64Encoded: key.value)?.count == size / 8, sourceLocation: sourceLocation) }
        }
        return keys
    }

    /// The keys of an ETSI key container (the spec's array, or the reference's single object).
    static func keys(in reply: HTTPResult) throws -> [Key] {
        let object = try #require(reply.object, "not a JSON object: \(reply)")
        let items: [[String: Any]]
        if let array = object["keys"] as? [[String: Any]] {
            items = array
        } else if let single = object["keys"] as? [String: Any] {
            items = [single]
        } else {
            throw NetworkError("no keys in \(reply)")
        }
        return try items.map { item in
            Key(id: try #require(item["key_ID"] as? String), value: try #require(item["key"] as? String))
        }
    }
}
