import NIOHTTP1
typealias NIOHTTPMethod = HTTPMethod
import Foundation
import Testing

/// Every ETSI route with bad input answers a JSON 4xx (the standard's messages where it fixes
/// them), never a 500, and never a key.
@Suite(.serialized) struct BadInputTests {
    @Test func sizeRules() async throws {
        try await TestNetwork.with { network in
            let cases: [(String, String?, String)] = [
                ("sofia/enc_keys?size=33", nil, "size shall be a multiple of 8"),
                ("sofia/enc_keys", #"{"size":100}"#, "size shall be a multiple of 8"),
                ("sofia/enc_keys?size=24", nil, "size shall be between 32 and 16777216."),
                ("sofia/enc_keys?size=0", nil, "size shall be between 32 and 16777216."),
                ("sofia/enc_keys?size=16777224", nil, "size shall be between 32 and 16777216."),
                ("sofia/enc_keys", #"{"size":-8}"#, "size shall be between 32 and 16777216."),
                ("sofia/enc_keys?number=2&size=16777216", nil, "number x size shall not exceed 16777216 bits per request."),
            ]
            for (path, body, message) in cases {
                let reply = try await network.etsi(body == nil ? .GET : .POST, "carol", path, caller: "sam", body: body)
                #expect(reply.status == 400, "\(path) \(body ?? ""): \(reply)")
                #expect(reply.isETSIError)
                #expect(reply.message == message, "\(path) \(body ?? "")")
            }
            // The edges are accepted.
            for size in [32, 8192] {
                let reply = try await network.etsi(.GET, "carol", "sofia/enc_keys?size=\(size)", caller: "sam")
                #expect(reply.status == 200, "size \(size): \(reply)")
                #expect(try reply.keys().keys.first?.key.count == size / 8)
            }
        }
    }

    @Test func badGetKeyRequests() async throws {
        try await TestNetwork.with { network in
            let cases: [(String, String?)] = [
                ("sofia/enc_keys?number=0", nil),
                ("sofia/enc_keys?number=129", nil),
                ("sofia/enc_keys?number=abc", nil),
                ("sofia/enc_keys?number=-1", nil),
                ("sofia/enc_keys?size=1e3", nil),
                ("sofia/enc_keys?number=1&number=2", nil),
                ("sofia/enc_keys?size=%zz", nil),
                ("nobody/enc_keys", nil),
                ("sam/enc_keys", nil),
                ("sofia/enc_keys", "{"),
                ("sofia/enc_keys", "[]"),
                ("sofia/enc_keys", #"{"number":"5"}"#),
                ("sofia/enc_keys", #"{"number":1.5}"#),
                ("sofia/enc_keys", #"{"number":0}"#),
                ("sofia/enc_keys", #"{"number":1,"number":2}"#),
                ("sofia/enc_keys", #"{"additional_slave_SAE_IDs":["sunny"]}"#),
                ("sofia/enc_keys", #"{"extension_mandatory":[{"x":1}]}"#),
                ("sofia/enc_keys", String(repeating: " ", count: 70_000)),
                ("nobody/status", nil),
            ]
            for (path, body) in cases {
                let method: NIOHTTPMethod = body == nil ? .GET : .POST
                let reply = try await network.etsi(method, "carol", path, caller: "sam", body: body)
                #expect(reply.status == 400, "\(path) \(body?.prefix(60) ?? ""): \(reply)")
                #expect(reply.isETSIError, "\(path): \(reply)")
            }
            let mandatory = try await network.etsi(.POST, "carol", "sofia/enc_keys", caller: "sam",
                                                   body: #"{"extension_mandatory":[{"x":1}]}"#)
            #expect(mandatory.message == "not all extension_mandatory parameters are supported")
            // Optional extensions are ignored, an empty body asks for the defaults.
            let optional = try await network.etsi(.POST, "carol", "sofia/enc_keys", caller: "sam",
                                                  body: #"{"extension_optional":[{"x":1}]}"#)
            #expect(optional.status == 200, "\(optional)")
            let empty = try await network.etsi(.POST, "carol", "sofia/enc_keys", caller: "sam", body: "")
            #expect(empty.status == 200, "\(empty)")
            #expect(try empty.keys().keys.first?.key.count == 32)
        }
    }

    @Test func badGetKeyWithKeyIDsRequests() async throws {
        try await TestNetwork.with { network in
            let unknown = UUID().uuidString.lowercased()
            let cases: [(String, String?, Int)] = [
                ("sam/dec_keys", nil, 400),
                ("sam/dec_keys?key_ID=", nil, 400),
                ("sam/dec_keys?key_ID=not-a-uuid", nil, 400),
                ("sam/dec_keys?key_ID=\(unknown)", nil, 400),
                ("sam/dec_keys", "", 400),
                ("sam/dec_keys", "{}", 400),
                ("sam/dec_keys", #"{"key_IDs":[]}"#, 400),
                ("sam/dec_keys", #"{"key_IDs":{}}"#, 400),
                ("sam/dec_keys", #"{"key_IDs":[{"key_ID":"x"}]}"#, 400),
                ("sam/dec_keys", #"{"key_IDs":[{"key_ID":"\#(unknown)"},{"key_ID":"\#(unknown)"}]}"#, 400),
                ("sam/dec_keys", #"{"key_IDs":[{"key_ID":"\#(unknown)"}]}"#, 400),
                ("nobody/dec_keys?key_ID=\(unknown)", nil, 400),
            ]
            for (path, body, status) in cases {
                let method: NIOHTTPMethod = body == nil ? .GET : .POST
                let reply = try await network.etsi(method, "connie", path, caller: "sofia", body: body)
                #expect(reply.status == status, "\(path) \(body ?? ""): \(reply)")
                #expect(reply.isETSIError, "\(path): \(reply)")
            }
            let notFound = try await network.etsi(.GET, "connie", "sam/dec_keys?key_ID=\(unknown)", caller: "sofia")
            #expect(notFound.message == "one or more keys specified are not found on KME")
            let tooMany = (0...128).map { _ in #"{"key_ID":"\#(UUID().uuidString.lowercased())"}"# }.joined(separator: ",")
            let reply = try await network.etsi(.POST, "connie", "sam/dec_keys", caller: "sofia", body: #"{"key_IDs":[\#(tooMany)]}"#)
            #expect(reply.status == 400, "\(reply)")
        }
    }

    @Test func unknownPathsAndMethodsAreJSON() async throws {
        try await TestNetwork.with { network in
            let cases: [(NIOHTTPMethod, String, Int)] = [
                (.GET, "sofia/keys", 404), (.DELETE, "sofia/enc_keys", 405), (.PUT, "sam/dec_keys", 405),
                (.POST, "sofia/status", 405), (.GET, "sofia", 404),
            ]
            for (method, path, status) in cases {
                let reply = try await network.etsi(method, "carol", path, caller: "sam")
                #expect(reply.status == status, "\(method) \(path): \(reply)")
                #expect(reply.isJSONError, "\(method) \(path): \(reply)")
            }
        }
    }
}
