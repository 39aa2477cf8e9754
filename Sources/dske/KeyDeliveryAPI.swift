import Foundation
import NIOHTTP1

/// A key as ETSI GS QKD 014 delivers it.
struct DeliveredKey: Sendable, Equatable, Codable {
    let keyID: String
    let key: String

    enum CodingKeys: String, CodingKey {
        case keyID = "key_ID"
        case key
    }
}

/// The ETSI GS QKD 014 calls an encryptor (SAE) makes on its KME. Over mutual TLS (a KME with a
/// `tls` section) the SAE is named by its client certificate and the standard root paths are
/// used; in simulation mode the SAE is named in the `Authorization` header as the reference does,
/// on the reference's prefixed paths, so the commands also work against reference clients.
struct KeyDeliveryAPI: Sendable {
    let http: HTTPCaller
    /// SAE ID -> its KME's mutual-TLS endpoint with that SAE's credentials; SAEs not here call
    /// over plain HTTP.
    var secure: [String: SecureEndpoint] = [:]

    init(http: HTTPCaller, secure: [String: SecureEndpoint] = [:]) {
        self.http = http
        self.secure = secure
    }

    /// The URL root of `sae`'s ETSI calls at `kme`, and how to send them.
    private func call(_ method: HTTPMethod, sae: String, kme: Topology.Node, path: String, body: Data? = nil) async throws(CLIError) -> HTTPReply {
        if let endpoint = secure[sae] {
            return try await http.send(method, "\(endpoint.origin)/api/v1/keys/\(path)", tls: endpoint.tls, body: body, target: kme.label)
        }
        return try await http.send(method, "\(kme.baseURL)/etsi/api/v1/keys/\(path)", headers: [("Authorization", sae)], body: body,
                                   target: kme.label)
    }

    /// Get key (`enc_keys`) at the master SAE's KME.
    func getKey(kme: Topology.Node, master: String, slave: String, size: Int?, number: Int?) async throws(CLIError) -> [DeliveredKey] {
        var query: [String] = []
        if let number { query.append("number=\(number)") }
        if let size { query.append("size=\(size)") }
        let path = "\(Self.escape(slave))/enc_keys" + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
        let reply = try await call(.GET, sae: master, kme: kme, path: path)
        return try decode(reply, from: kme, call: "Get key")
    }

    /// Get key with key IDs (`dec_keys`) at the slave SAE's KME: GET for one ID, POST for several.
    func getKeyWithIDs(kme: Topology.Node, master: String, slave: String, keyIDs: [String]) async throws(CLIError) -> [DeliveredKey] {
        let path = "\(Self.escape(master))/dec_keys"
        let reply: HTTPReply
        if keyIDs.count == 1 {
            reply = try await call(.GET, sae: slave, kme: kme, path: "\(path)?key_ID=\(Self.escape(keyIDs[0]))")
        } else {
            struct KeyID: Encodable { let key_ID: String }
            struct KeyIDs: Encodable { let key_IDs: [KeyID] }
            let body = (try? JSONEncoder().encode(KeyIDs(key_IDs: keyIDs.map(KeyID.init)))) ?? Data()
            reply = try await call(.POST, sae: slave, kme: kme, path: path, body: body)
        }
        return try decode(reply, from: kme, call: "Get key with key IDs")
    }

    private func decode(_ reply: HTTPReply, from kme: Topology.Node, call: String) throws(CLIError) -> [DeliveredKey] {
        guard reply.status == 200 else {
            throw CLIError(.failure, "\(call) at \(kme.label) failed with HTTP \(reply.status): \(reply.errorMessage)")
        }
        // The spec's container holds an array; the reference's enc_keys answers a single object.
        struct ArrayContainer: Decodable { let keys: [DeliveredKey] }
        struct ObjectContainer: Decodable { let keys: DeliveredKey }
        let decoder = JSONDecoder()
        if let container = try? decoder.decode(ArrayContainer.self, from: reply.body) { return container.keys }
        if let container = try? decoder.decode(ObjectContainer.self, from: reply.body) { return [container.keys] }
        throw CLIError(.failure, "\(call) at \(kme.label): the answer is not an ETSI key container")
    }

    static func escape(_ component: String) -> String {
        component.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? component
    }
}
