import NIOHTTP1
import DSKECore
import DSKEHub
import DSKEService
import Foundation
import Testing

/// Bad input of every kind gets a JSON 4xx, never a 500 and never a plain-text body.
@Suite struct InputValidationTests {
    static let json = [("Content-Type", "application/json")]

    @Test func unknownPathsAre404AndUnknownMethods405() async throws {
        try await HubFixture.with { hub in
            let notFound = try await RawHTTP.send(.GET, hub.baseURL + "/no/such/path")
            #expect(notFound.status == 404)
            #expect(notFound.isJSONError, "\(notFound)")
            let otherHub = try await RawHTTP.send(.GET, hub.origin + "/hub/helen/mgmt/v1/status")
            #expect(otherHub.status == 404)
            #expect(otherHub.isJSONError)

            let wrongMethod = try await RawHTTP.send(.DELETE, hub.baseURL + "/dske/oob/v1/registration")
            #expect(wrongMethod.status == 405)
            #expect(wrongMethod.isJSONError, "\(wrongMethod)")
            #expect(wrongMethod.headers.first(name: "Allow") == "PUT")
            let stopByGet = try await RawHTTP.send(.GET, hub.baseURL + "/mgmt/v1/stop")
            #expect(stopByGet.status == 405)
            let share = try await RawHTTP.send(.PUT, hub.baseURL + "/dske/api/v1/key-share")
            #expect(share.status == 405)
            #expect(share.headers.first(name: "Allow") == "POST, GET, DELETE")
        }
    }

    @Test func anOversizedBodyIs413WithoutReadingIt() async throws {
        try await HubFixture.with { hub in
            let huge = Array("[".utf8) + Array(repeating: UInt8(ascii: "1"), count: 5 << 20) + Array("]".utf8)
            for path in ["/dske/oob/v1/registration", "/dske/api/v1/key-share"] {
                let method: NIOHTTPMethodAlias = path.contains("registration") ? .PUT : .POST
                let reply = try await RawHTTP.send(method, hub.baseURL + path, headers: Self.json, body: huge)
                #expect(reply.status == 413, "\(path): \(reply)")
                #expect(reply.isJSONError)
            }
            // Below the one-share limit but above the registration limit.
            let medium = Array(repeating: UInt8(ascii: " "), count: 100_000) + Array("{}".utf8)
            let registration = try await RawHTTP.send(.PUT, hub.baseURL + "/dske/oob/v1/registration", headers: Self.json, body: medium)
            #expect(registration.status == 413)
        }
    }

    @Test func badRegistrationsAre400() async throws {
        try await HubFixture.with { hub in
            let bodies = [
                "", "{not json", "null", "[]", #"{"client_name":5,"encryptor_names":[]}"#, #"{"encryptor_names":["sam"]}"#,
                #"{"client_name":"carol","encryptor_names":"sam"}"#, #"{"client_name":"carol","encryptor_names":[1]}"#,
                #"{"client_name":"","encryptor_names":[]}"#, #"{"client_name":"a/b","encryptor_names":[]}"#,
                #"{"client_name":"carol","encryptor_names":["sam","sam"]}"#,
                #"{"client_name":"carol","client_name":"mallory","encryptor_names":[]}"#,
            ]
            for body in bodies {
                let reply = try await RawHTTP.send(.PUT, hub.baseURL + "/dske/oob/v1/registration", headers: Self.json, body: Array(body.utf8))
                #expect(reply.status == 400, "\(body): \(reply)")
                #expect(reply.isJSONError, "\(body): \(reply)")
            }
            let status = try await RawHTTP.send(.GET, hub.baseURL + "/mgmt/v1/status")
            guard case .object(let object)? = status.json else { Issue.record("\(status)"); return }
            #expect(object["registrations"] == .array([]))
        }
    }

    @Test func badPSRDRequestsAre400AndSizesAreBounded() async throws {
        try await HubFixture.with(HubSettings(name: "hank", maxPSRDBlockSize: 10_000, maxPoolBytes: 25_000)) { hub in
            try await hub.register("carol", encryptors: ["sam"])
            let base = hub.baseURL + "/dske/oob/v1/psrd"
            let queries = [
                "", "?client_name=carol", "?client_name=carol&pool_owner=client", "?client_name=carol&pool_owner=client&size=abc",
                "?client_name=carol&pool_owner=client&size=-5", "?client_name=carol&pool_owner=client&size=0",
                "?client_name=carol&pool_owner=client&size=99999999999999999999", "?client_name=carol&pool_owner=client&size=10001",
                "?client_name=carol&pool_owner=nobody&size=100", "?client_name=mallory&pool_owner=client&size=100",
                "?client_name=carol&pool_owner=client&owner=hub&size=100", "?client_name=carol&client_name=carol&pool_owner=client&size=1",
                "?client_name=carol&pool_owner=client&size=1%ZZ", "?client_name=carol&pool_owner=client&size=1.5",
            ]
            for query in queries {
                let reply = try await RawHTTP.send(.GET, base + query)
                #expect(reply.status == 400, "\(query): \(reply)")
                #expect(reply.isJSONError, "\(query): \(reply)")
            }
            let unregistered = try await RawHTTP.send(.GET, base + "?client_name=mallory&pool_owner=client&size=100")
            #expect(unregistered.text == #"{"message":"Client is not registered.","details":{"client_name":"mallory"}}"#)

            // The largest block is fine, with either parameter name; a pool stops growing at its cap.
            #expect(try await RawHTTP.send(.GET, base + "?client_name=carol&pool_owner=client&size=10000").status == 200)
            #expect(try await RawHTTP.send(.GET, base + "?client_name=carol&owner=client&size=10000").status == 200)
            let full = try await RawHTTP.send(.GET, base + "?client_name=carol&pool_owner=client&size=10000")
            #expect(full.status == 503)
            #expect(full.isJSONError)
            #expect(await hub.levels("carol").peer == 20_000)
            #expect(try await RawHTTP.send(.GET, base + "?client_name=carol&pool_owner=HUB&size=10000").status == 200)
            #expect(await hub.levels("carol").own == 10_000)
        }
    }

    @Test func badKeyShareBodiesAndQueriesAre4xx() async throws {
        try await HubFixture.with { hub in
            let carol = try await TestClient.make("carol", encryptors: ["sam"], hub: hub)
            _ = try await TestClient.make("connie", encryptors: ["sofia"], hub: hub)
            let post = hub.baseURL + "/dske/api/v1/key-share"
            // Before authentication: no claimed client, or an unknown one.
            for body in ["{not json", "null", "[]", #"{"master_client_name":5}"#, "{}"] {
                let reply = try await RawHTTP.send(.POST, post, headers: Self.json, body: Array(body.utf8))
                #expect(reply.status == 400, "\(body): \(reply)")
                #expect(reply.isJSONError)
            }
            let mallory = try await RawHTTP.send(.POST, post, headers: Self.json, body: Array(#"{"master_client_name":"mallory"}"#.utf8))
            #expect(mallory.status == 400)
            #expect(mallory.error?.message == "Client is not registered.")

            // Authenticated but malformed: 400, and the pad it names is taken all the same.
            let uuid = UUID().lowercased
            let variants: [(String, JSONValue)] = [
                ("share_index", "0"), ("share_index", 16), ("user_key_id", .string(uuid.uppercased())), ("encrypted_share_value", "AAAA"),
                ("encrypted_share_value", "not base64!"), ("slave_sae_id", .null),
            ]
            for (field, value) in variants {
                let good = try await carol.postBody(masterSAE: "sam", slaveSAE: "sofia", keyID: UUID(), share: testShare())
                guard case .object(var object) = try WireCoding.parse(good) else { Issue.record("not an object"); return }
                let before = await hub.levels("carol")
                object[field] = value
                let body = Array(JSONValue.object(object).description.utf8)
                let signature = try await carol.signature(query: "", body: body)
                let reply = try await RawHTTP.send(.POST, post, headers: Self.json + [("DSKE-Signature", signature.header)], body: body)
                #expect(reply.status == 400, "\(field): \(reply)")
                #expect(reply.isJSONError)
                #expect(before.peer - (await hub.levels("carol")).peer == 64, "\(field): MAC key and pad taken")
            }

            // GET: missing or malformed parameters.
            let get = hub.baseURL + "/dske/api/v1/key-share"
            for query in ["", "?key_id=not-a-uuid", "?client_name=carol", "?client_name=carol&key_id=x&key_id=y"] {
                let reply = try await RawHTTP.send(.GET, get + query)
                #expect((400...401).contains(reply.status), "\(query): \(reply)")
                #expect(reply.isJSONError)
            }
            let signedQuery = "client_name=carol&master_sae_id=sam&slave_sae_id=sofia&key_id=not-a-uuid"
            let signature = try await carol.signature(query: signedQuery, body: [])
            let badKey = try await RawHTTP.send(.GET, get + "?" + signedQuery, headers: [("DSKE-Signature", signature.header)])
            #expect(badKey.status == 400)
            #expect(badKey.error?.message == "Invalid key ID.")
        }
    }
}

typealias NIOHTTPMethodAlias = NIOHTTP1.HTTPMethod
