import Foundation
import NIOHTTP1
import Testing

/// Every endpoint probed with bad input answers a JSON 4xx error, never a 500, and the network
/// keeps working afterwards (no pool drifted out of step on an error path).
@Suite("bad inputs")
struct BadInputTests {
    struct Probe: Sendable, CustomStringConvertible {
        let method: HTTPMethod
        let path: String
        var headers: [(String, String)] = []
        var body: String? = nil
        /// The one status the contract names, or nil for "some 4xx".
        var expected: Int? = nil
        var description: String { "\(method) \(path) \(body.map { String($0.prefix(60)) } ?? "")" }
    }

    static func hubProbes(_ hub: String) -> [Probe] {
        let base = "/hub/\(hub)"
        let share = "\(base)/dske/api/v1/key-share"
        let uuid = UUID().uuidString.lowercased()
        let goodPost = #"{"master_client_name":"carol","master_sae_id":"sam","slave_sae_id":"sofia","user_key_id":"\#(uuid)","share_index":0,"encryption_key_allocation":{"fragments":[{"block_uuid":"\#(uuid)","start":0,"size":36}]},"encrypted_share_value":"AAAA"}"#
        let query = "client_name=connie&master_sae_id=sam&slave_sae_id=sofia&key_id=\(uuid)"
        return [
            // Out-of-band registration and PSRD.
            Probe(method: .PUT, path: "\(base)/dske/oob/v1/registration", body: "", expected: 400),
            Probe(method: .PUT, path: "\(base)/dske/oob/v1/registration", body: "{not json", expected: 400),
            Probe(method: .PUT, path: "\(base)/dske/oob/v1/registration", body: #"{"client_name":5,"encryptor_names":[]}"#, expected: 400),
            Probe(method: .PUT, path: "\(base)/dske/oob/v1/registration", body: #"{"encryptor_names":["sam"]}"#, expected: 400),
            Probe(method: .PUT, path: "\(base)/dske/oob/v1/registration", body: #"{"client_name":"carol","encryptor_names":"sam"}"#, expected: 400),
            Probe(method: .PUT, path: "\(base)/dske/oob/v1/registration", body: "[" + String(repeating: "1,", count: 1_500_000) + "1]", expected: 413),
            Probe(method: .GET, path: "\(base)/dske/oob/v1/psrd", expected: 400),
            Probe(method: .GET, path: "\(base)/dske/oob/v1/psrd?client_name=carol&pool_owner=client&size=abc", expected: 400),
            Probe(method: .GET, path: "\(base)/dske/oob/v1/psrd?client_name=carol&pool_owner=client&size=-5", expected: 400),
            Probe(method: .GET, path: "\(base)/dske/oob/v1/psrd?client_name=carol&pool_owner=client&size=0", expected: 400),
            Probe(method: .GET, path: "\(base)/dske/oob/v1/psrd?client_name=carol&pool_owner=client&size=99999999999999999999", expected: 400),
            Probe(method: .GET, path: "\(base)/dske/oob/v1/psrd?client_name=carol&pool_owner=client&size=1000000000", expected: 400),
            Probe(method: .GET, path: "\(base)/dske/oob/v1/psrd?client_name=carol&pool_owner=nobody&size=100", expected: 400),
            Probe(method: .GET, path: "\(base)/dske/oob/v1/psrd?client_name=mallory&pool_owner=client&size=100", expected: 400),
            // In-band: unsigned, badly signed, malformed.
            Probe(method: .POST, path: share, headers: [("Content-Type", "application/json")], body: goodPost, expected: 401),
            Probe(method: .POST, path: share, headers: [("DSKE-Signature", "garbage")], body: goodPost, expected: 401),
            Probe(method: .POST, path: share, headers: [("DSKE-Signature", "\(uuid):0:32%" + String(repeating: "A", count: 43) + "=")], body: goodPost, expected: 401),
            Probe(method: .POST, path: share, headers: [("DSKE-Signature", "\(uuid):0:32%AAAA")], body: "{not json"),
            Probe(method: .POST, path: share, body: "null"),
            Probe(method: .GET, path: "\(share)?\(query)", expected: 401),
            Probe(method: .GET, path: "\(share)?\(query)", headers: [("DSKE-Signature", "\(uuid):0:32;" + String(repeating: "A", count: 43) + "=")], expected: 401),
            Probe(method: .GET, path: "\(share)?key_id=not-a-uuid"),
            Probe(method: .GET, path: share),
            Probe(method: .POST, path: "\(base)/dske/api/v1/key-shares", body: "{}"),
            Probe(method: .POST, path: "\(base)/dske/api/v1/key-shares/fetch", body: #"{"client_name":"connie","key_ids":[]}"#),
            Probe(method: .DELETE, path: "\(share)?client_name=carol&key_id=\(uuid)", expected: 401),
            // Routing and management.
            Probe(method: .GET, path: "\(base)/no/such/path", expected: 404),
            Probe(method: .GET, path: "/hub/nobody/mgmt/v1/status", expected: 404),
            Probe(method: .DELETE, path: "\(base)/dske/oob/v1/registration", expected: 405),
            Probe(method: .GET, path: "\(base)/mgmt/v1/stop", expected: 405),
        ]
    }

    static func clientProbes(_ client: String) -> [Probe] {
        let sam = [("Authorization", "sam")]
        let sofia = [("Authorization", "sofia")]
        let json = [("Content-Type", "application/json")]
        let uuid = UUID().uuidString.lowercased()
        var probes: [Probe] = []
        for prefix in ["/client/\(client)/etsi/api/v1/keys", "/api/v1/keys"] {
            probes += [
                Probe(method: .GET, path: "\(prefix)/sofia/status", headers: [("Authorization", "mallory")], expected: 401),
                Probe(method: .GET, path: "\(prefix)/sofia/status", headers: [("Authorization", "sofia")], expected: 401),
                Probe(method: .GET, path: "\(prefix)/nobody/status", headers: sam),
                Probe(method: .GET, path: "\(prefix)/sofia/enc_keys", headers: [("Authorization", "serena")], expected: 401),
                Probe(method: .GET, path: "\(prefix)/sofia/enc_keys?size=7", headers: sam, expected: 400),
                Probe(method: .GET, path: "\(prefix)/sofia/enc_keys?size=abc", headers: sam, expected: 400),
                Probe(method: .GET, path: "\(prefix)/sofia/enc_keys?size=0", headers: sam, expected: 400),
                Probe(method: .GET, path: "\(prefix)/sofia/enc_keys?size=-8", headers: sam, expected: 400),
                Probe(method: .GET, path: "\(prefix)/sofia/enc_keys?size=99999999999999999999", headers: sam, expected: 400),
                Probe(method: .GET, path: "\(prefix)/sofia/enc_keys?size=800000000", headers: sam, expected: 400),
                Probe(method: .GET, path: "\(prefix)/sofia/enc_keys?number=0", headers: sam, expected: 400),
                Probe(method: .GET, path: "\(prefix)/sofia/enc_keys?number=-1", headers: sam, expected: 400),
                Probe(method: .GET, path: "\(prefix)/sofia/enc_keys?number=x", headers: sam, expected: 400),
                Probe(method: .GET, path: "\(prefix)/sofia/enc_keys?number=100000000", headers: sam, expected: 400),
                Probe(method: .GET, path: "\(prefix)/nobody/enc_keys", headers: sam),
                Probe(method: .GET, path: "\(prefix)/sam/enc_keys", headers: sam),
                Probe(method: .POST, path: "\(prefix)/sofia/enc_keys", headers: sam + json, body: "{bad", expected: 400),
                Probe(method: .POST, path: "\(prefix)/sofia/enc_keys", headers: sam + json, body: #"{"number":"three"}"#, expected: 400),
                Probe(method: .POST, path: "\(prefix)/sofia/enc_keys", headers: sam + json, body: #"{"size":12}"#, expected: 400),
                Probe(method: .POST, path: "\(prefix)/sofia/enc_keys", headers: sam + json, body: #"{"extension_mandatory":[{"x":1}]}"#, expected: 400),
                Probe(method: .POST, path: "\(prefix)/sofia/enc_keys", headers: sam + json, body: #"{"additional_slave_SAE_IDs":"serena"}"#, expected: 400),
                // ETSI 014 names only 400, 401 and 503: 400 or 413 are both fair for a huge body.
                Probe(method: .POST, path: "\(prefix)/sofia/enc_keys", headers: sam + json, body: "[" + String(repeating: "1,", count: 1_500_000) + "1]"),
                Probe(method: .GET, path: "\(prefix)/sam/dec_keys", headers: sofia, expected: 400),
                Probe(method: .GET, path: "\(prefix)/sam/dec_keys?key_ID=not-a-uuid", headers: sofia, expected: 400),
                Probe(method: .GET, path: "\(prefix)/sam/dec_keys?key_ID=\(uuid)", headers: sofia, expected: 400),
                // No Authorization at a one-SAE KME means that SAE (as in the reference): not found.
                Probe(method: .GET, path: "\(prefix)/sam/dec_keys?key_ID=\(uuid)", expected: 400),
                Probe(method: .POST, path: "\(prefix)/sam/dec_keys", headers: sofia + json, body: "{bad", expected: 400),
                Probe(method: .POST, path: "\(prefix)/sam/dec_keys", headers: sofia + json, body: #"{"key_IDs":[]}"#, expected: 400),
                Probe(method: .POST, path: "\(prefix)/sam/dec_keys", headers: sofia + json, body: #"{"key_IDs":[{"key_ID":5}]}"#, expected: 400),
                Probe(method: .POST, path: "\(prefix)/sam/dec_keys", headers: sofia + json, body: #"{"key_IDs":"x"}"#, expected: 400),
                Probe(method: .DELETE, path: "\(prefix)/sofia/enc_keys", headers: sam, expected: 405),
            ]
        }
        probes += [
            Probe(method: .GET, path: "/client/\(client)/nothing", expected: 404),
            Probe(method: .GET, path: "/client/\(client)/mgmt/v1/stop", expected: 405),
        ]
        return probes
    }

    @Test("hub endpoints: JSON 4xx for every bad input")
    func hubEndpoints() async throws {
        try await TestNetwork.with { network in
            let failures = try await Self.run(Self.hubProbes("hank"), on: network.origin("hank"))
            #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
            try await network.keyPair(master: "sam", slave: "sofia")
        }
    }

    @Test("client ETSI endpoints: JSON 4xx for every bad input")
    func clientEndpoints() async throws {
        try await TestNetwork.with { network in
            // carol serves only sam; connie only sofia. Note: connie answers sofia's dec_keys.
            var failures = try await Self.run(Self.clientProbes("carol").filter { !$0.path.contains("dec_keys") }, on: network.origin("carol"))
            failures += try await Self.run(Self.clientProbes("connie").filter { $0.path.contains("dec_keys") }, on: network.origin("connie"))
            // Without Authorization a KME with one SAE assumes it (as the reference does); one
            // with two cannot guess.
            failures += try await Self.run([
                Probe(method: .GET, path: "/client/curtis/etsi/api/v1/keys/sofia/status", expected: 401),
                Probe(method: .GET, path: "/client/curtis/etsi/api/v1/keys/sofia/enc_keys", expected: 401),
            ], on: network.origin("curtis"))
            #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
            try await network.keyPair(master: "sam", slave: "sofia")
        }
    }

    /// Sends each probe; returns a line per probe that did not get a JSON 4xx (or its status).
    static func run(_ probes: [Probe], on origin: String) async throws -> [String] {
        var failures: [String] = []
        for probe in probes {
            var headers = probe.headers
            if probe.body != nil, !headers.contains(where: { $0.0 == "Content-Type" }) {
                headers.append(("Content-Type", "application/json"))
            }
            let reply = try await HTTP.send(probe.method, origin + probe.path, headers: headers, body: probe.body.map { Data($0.utf8) })
            if let expected = probe.expected, reply.status != expected {
                failures.append("\(probe): expected \(expected), got \(reply)")
            } else if !(400..<500).contains(reply.status) {
                failures.append("\(probe): expected a 4xx, got \(reply)")
            } else if !reply.isJSONError {
                failures.append("\(probe): not a JSON error body: \(reply) \(reply.header("Content-Type") ?? "no content type")")
            }
        }
        return failures
    }
}
