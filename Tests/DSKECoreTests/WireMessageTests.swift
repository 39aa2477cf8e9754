import Foundation
import Testing
@testable import DSKECore

/// Expected bodies were produced by the reference's own stack: pydantic 2 `model_dump()` followed
/// by `json.dumps(..., ensure_ascii=False, separators=(",", ":"))`, which is what httpx 0.28
/// request bodies and FastAPI `JSONResponse` write.
@Suite struct WireMessageTests {
    let blockA = UUID(uuidString: "b6ed2299-ba1e-4947-8c30-07aec0247518")!
    let blockB = UUID(uuidString: "0e7c4f6a-3b7f-4c1e-9d2a-5f8e1b2c3d4e")!
    let keyID = UUID(uuidString: "4f1b0a57-8f2d-4c8e-a1b2-c3d4e5f60718")!
    let referenceAllocation = #"{"fragments":[{"block_uuid":"b6ed2299-ba1e-4947-8c30-07aec0247518","start":16,"size":4},{"block_uuid":"0e7c4f6a-3b7f-4c1e-9d2a-5f8e1b2c3d4e","start":0,"size":2}]}"#

    func allocation() throws -> Allocation {
        try Allocation(fragments: [Fragment(blockUUID: blockA, start: 16, size: 4), Fragment(blockUUID: blockB, start: 0, size: 2)])
    }

    func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    func decode<T: Decodable>(_ type: T.Type, _ json: String) throws(WireError) -> T {
        try WireCoding.decode(type, from: Array(json.utf8))
    }

    // MARK: exact bytes

    @Test func registrationRequestMatchesTheReference() throws {
        let request = RegistrationRequest(clientName: "carol", encryptorNames: ["sam"])
        let expected = #"{"client_name":"carol","encryptor_names":["sam"]}"#
        #expect(text(WireCoding.encode(request)) == expected)
        #expect(try decode(RegistrationRequest.self, expected) == request)
        #expect(text(WireCoding.encode(RegistrationRequest(clientName: "cindy", encryptorNames: [])))
            == #"{"client_name":"cindy","encryptor_names":[]}"#)
    }

    @Test func stringsAreEscapedAsPythonDoes() throws {
        let request = RegistrationRequest(clientName: "ça/\"x\"\n\u{1}\u{7f}😀", encryptorNames: ["a/b"])
        let expected = "{\"client_name\":\"ça/\\\"x\\\"\\n\\u0001\u{7f}😀\",\"encryptor_names\":[\"a/b\"]}"
        #expect(text(WireCoding.encode(request)) == expected)
        #expect(try decode(RegistrationRequest.self, expected) == request)
        let controls = RegistrationResponse(hubName: "\u{0}\u{8}\u{9}\u{c}\u{d}\u{1f}\\")
        #expect(text(WireCoding.encode(controls)) == #"{"hub_name":"\u0000\b\t\f\r\u001f\\"}"#)
    }

    @Test func registrationResponseMatchesTheReference() throws {
        #expect(text(WireCoding.encode(RegistrationResponse(hubName: "hank"))) == #"{"hub_name":"hank"}"#)
    }

    @Test func psrdBlockResponseMatchesTheReference() throws {
        let response = PSRDBlockResponse(blockUUID: blockA, data: Array(0..<10))
        let expected = #"{"block_uuid":"b6ed2299-ba1e-4947-8c30-07aec0247518","data":"AAECAwQFBgcICQ=="}"#
        #expect(text(WireCoding.encode(response)) == expected)
        #expect(try decode(PSRDBlockResponse.self, expected) == response)
    }

    /// A refill block is written and read straight from the bytes: the same bytes and values as
    /// the Codable path, and anything unusual left to it.
    @Test func psrdBlocksTakeTheDirectPathBothWays() throws {
        let block = PSRDBlockResponse(blockUUID: blockA, data: SecureRandom.bytes(256 * 1024))
        let bytes = WireCoding.encode(block)
        #expect(bytes == WireCoding.codableEncode(block))
        #expect(bytes.withUnsafeBufferPointer { PSRDBlockResponse(directBytes: $0) } == block)
        #expect(try WireCoding.decode(PSRDBlockResponse.self, from: bytes, limit: WireCoding.limit(forBase64Payload: 256 * 1024)) == block)
        let text = String(decoding: bytes, as: UTF8.self)
        for variant in [text.replacingOccurrences(of: blockA.lowercased, with: blockA.uuidString),
                        text.replacingOccurrences(of: "\"data\":\"", with: "\"data\":\"!"),
                        #"{"block_uuid":"b6ed2299-ba1e-4947-8c30-07aec0247518","data":""}"#,
                        #"{"block_uuid":"b6ed2299-ba1e-4947-8c30-07aec0247518"}"#] {
            #expect(Array(variant.utf8).withUnsafeBufferPointer { PSRDBlockResponse(directBytes: $0) } == nil)
            #expect(throws: WireError.self) { try decode(PSRDBlockResponse.self, variant) }
        }
    }

    @Test func postKeyShareRequestMatchesTheReference() throws {
        let request = PostKeyShareRequest(masterClientName: "carol", masterSAEID: "sam", slaveSAEID: "sofia",
                                          userKeyID: keyID, shareIndex: 2, encryptionKeyAllocation: try allocation(),
                                          encryptedShareValue: [1, 2, 3, 4, 5, 6])
        let expected = #"{"master_client_name":"carol","master_sae_id":"sam","slave_sae_id":"sofia","user_key_id":"4f1b0a57-8f2d-4c8e-a1b2-c3d4e5f60718","share_index":2,"encryption_key_allocation":"#
            + referenceAllocation + #","encrypted_share_value":"AQIDBAUG"}"#
        #expect(text(WireCoding.encode(request)) == expected)
        #expect(try decode(PostKeyShareRequest.self, expected) == request)
    }

    @Test func getKeyShareResponseMatchesTheReference() throws {
        let response = GetKeyShareResponse(shareIndex: 0, encryptionKeyAllocation: try allocation(),
                                           encryptedShareValue: [UInt8](repeating: 0xFF, count: 6))
        let expected = #"{"share_index":0,"encryption_key_allocation":"# + referenceAllocation + #","encrypted_share_value":"////////"}"#
        #expect(text(WireCoding.encode(response)) == expected)
        #expect(try decode(GetKeyShareResponse.self, expected) == response)
    }

    @Test func errorResponseMatchesTheReference() throws {
        let withDetails = ErrorResponse(message: "Client is not registered.", details: ["client_name": "carol"])
        let expected = #"{"message":"Client is not registered.","details":{"client_name":"carol"}}"#
        #expect(text(WireCoding.encode(withDetails)) == expected)
        #expect(try decode(ErrorResponse.self, expected) == withDetails)
        let without = ErrorResponse(message: "Invalid signature.")
        #expect(text(WireCoding.encode(without)) == #"{"message":"Invalid signature.","details":null}"#)
        #expect(try decode(ErrorResponse.self, #"{"message":"Invalid signature.","details":null}"#) == without)
        #expect(try decode(ErrorResponse.self, #"{"message":"Invalid signature."}"#) == without)
        #expect(WireCoding.nullBody == Array("null".utf8))
    }

    /// Foundation's JSONEncoder on Linux writes members in hash order; ours keeps insertion order
    /// even for many members, as Python dicts do.
    @Test func detailsKeepInsertionOrder() throws {
        var details = JSONObject()
        for name in ["zeta", "alpha", "mid", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p"] {
            details[name] = .string(name)
        }
        let bytes = WireCoding.encode(ErrorResponse(message: "m", details: details))
        let expectedMembers = details.keys.map { "\"\($0)\":\"\($0)\"" }.joined(separator: ",")
        #expect(text(bytes) == #"{"message":"m","details":{"# + expectedMembers + "}}")
        #expect(try WireCoding.decode(ErrorResponse.self, from: bytes).details?.keys == details.keys)
    }

    @Test func detailsCarryAnyJSON() throws {
        let json = #"{"message":"x","details":{"n":-1.5e-7,"big":123456789012345678901234567890,"a":[true,false,null,{}],"s":"\u00e9\ud83d\ude00"}}"#
        let response = try decode(ErrorResponse.self, json)
        #expect(response.details?["a"] == [true, false, nil, .object([:])])
        #expect(response.details?["s"] == "é😀")
        #expect(response.details?["n"] == .number(JSONNumber("-1.5e-7")!))
        // Numbers keep their literal text, so large integers pass through unchanged.
        #expect(text(WireCoding.encode(response)).contains(#""big":123456789012345678901234567890"#))
    }

    // MARK: field validation

    func expectFieldError<T: Decodable>(_ type: T.Type, _ json: String, field: String,
                                        sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try decode(type, json)
            Issue.record("accepted \(json)", sourceLocation: sourceLocation)
        } catch {
            #expect(error.description.contains("'\(field)'"), "\(error)", sourceLocation: sourceLocation)
            #expect(!error.description.contains("\n"), sourceLocation: sourceLocation)
        }
    }

    func postKeyShare(replacing field: String, with value: String) -> String {
        var members: [(String, String)] = [
            ("master_client_name", #""carol""#), ("master_sae_id", #""sam""#), ("slave_sae_id", #""sofia""#),
            ("user_key_id", #""4f1b0a57-8f2d-4c8e-a1b2-c3d4e5f60718""#), ("share_index", "2"),
            ("encryption_key_allocation", referenceAllocation), ("encrypted_share_value", #""AQIDBAUG""#),
        ]
        members = members.compactMap { $0.0 == field ? (value.isEmpty ? nil : ($0.0, value)) : $0 }
        return "{" + members.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
    }

    @Test(arguments: [
        ("user_key_id", #""4F1B0A57-8F2D-4C8E-A1B2-C3D4E5F60718""#),  // upper case
        ("user_key_id", #""4f1b0a578f2d4c8ea1b2c3d4e5f60718""#),      // unhyphenated
        ("user_key_id", #""not a uuid""#),
        ("user_key_id", "7"),
        ("share_index", "-1"),
        ("share_index", "16"),
        ("share_index", "2.0"),
        ("share_index", "1e0"),
        ("share_index", #""2""#),
        ("share_index", "true"),
        ("share_index", "null"),
        ("share_index", "99999999999999999999999"),
        ("share_index", ""),                            // missing
        ("encrypted_share_value", #""AQIDBAU""#),       // padding missing
        ("encrypted_share_value", #""AQIDBAUG\n""#),    // escaped newline
        ("encrypted_share_value", #""AQIDBAUGBwg=""#),  // 8 bytes, pad covers 6
        ("encrypted_share_value", #""""#),              // empty
        ("encrypted_share_value", #""AQID""#),          // 3 bytes, pad covers 6
        ("master_client_name", "null"),
        ("master_sae_id", "[]"),
        ("slave_sae_id", ""),
        ("encryption_key_allocation", #"{"fragments":[]}"#),
        ("encryption_key_allocation", "null"),
    ])
    func postKeyShareRefusesBadFields(_ field: String, _ value: String) {
        expectFieldError(PostKeyShareRequest.self, postKeyShare(replacing: field, with: value), field: field)
    }

    @Test func nestedErrorsNameTheirPath() {
        let badStart = referenceAllocation.replacingOccurrences(of: #""start":16"#, with: #""start":-16"#)
        expectFieldError(PostKeyShareRequest.self, postKeyShare(replacing: "encryption_key_allocation", with: badStart),
                         field: "encryption_key_allocation.fragments[0]")
        let badType = referenceAllocation.replacingOccurrences(of: #""size":2"#, with: #""size":"2""#)
        expectFieldError(PostKeyShareRequest.self, postKeyShare(replacing: "encryption_key_allocation", with: badType),
                         field: "encryption_key_allocation.fragments[1].size")
        let badUUID = referenceAllocation.replacingOccurrences(of: "b6ed2299", with: "B6ED2299")
        expectFieldError(PostKeyShareRequest.self, postKeyShare(replacing: "encryption_key_allocation", with: badUUID),
                         field: "encryption_key_allocation.fragments[0].block_uuid")
    }

    @Test func unknownMembersAreIgnoredAsPydanticDoes() throws {
        let json = #"{"hub_name":"hank","version":2,"extra":{"x":[1]}}"#
        #expect(try decode(RegistrationResponse.self, json) == RegistrationResponse(hubName: "hank"))
    }

    @Test func psrdBlockResponseRefusesBadFieldsWithoutEchoingData() throws {
        expectFieldError(PSRDBlockResponse.self, #"{"block_uuid":"b6ed2299-ba1e-4947-8c30-07aec0247518","data":"c2VjcmV0"}"#
            .replacingOccurrences(of: "c2VjcmV0", with: "c2VjcmV0x"), field: "data")
        expectFieldError(PSRDBlockResponse.self, #"{"block_uuid":"b6ed2299-ba1e-4947-8c30-07aec0247518","data":""}"#, field: "data")
        expectFieldError(PSRDBlockResponse.self, #"{"block_uuid":"nope","data":"AA=="}"#, field: "block_uuid")
        let error = #expect(throws: WireError.self) {
            try decode(PSRDBlockResponse.self, #"{"block_uuid":"b6ed2299-ba1e-4947-8c30-07aec0247518","data":"c2VjcmV0!"}"#)
        }
        #expect(error?.description.contains("c2VjcmV0") == false)
        let response = PSRDBlockResponse(blockUUID: blockA, data: Array("secret".utf8))
        #expect(!"\(response)".contains("secret") && !String(reflecting: response).contains("115"))
        #expect(!StrictBase64.encode(response.data).isEmpty && !"\(response)".contains(StrictBase64.encode(response.data)))
    }

    // MARK: JSON syntax

    @Test(arguments: [
        ("", "unexpected end"),
        ("{", "end of input"),
        (#"{"hub_name":"hank"} x"#, "after the JSON value"),
        (#"{"hub_name":"hank",}"#, "member name"),
        (#"{'hub_name':'hank'}"#, "member name"),
        (#"{"hub_name":"hank"/*c*/}"#, "expected ','"),
        (#"{"hub_name":NaN}"#, "unexpected character"),
        (#"{"hub_name":01}"#, "invalid number"),
        (#"{"hub_name":1.}"#, "invalid number"),
        (#"{"hub_name":+1}"#, "unexpected character"),
        (#"{"hub_name":"\x"}"#, "escape"),
        (#"{"hub_name":"\ud800"}"#, "surrogate"),
        (#"{"hub_name":"\udc00\ud800"}"#, "surrogate"),
        ("{\"hub_name\":\"a\u{1}\"}", "control character"),
        ("\u{FEFF}{\"hub_name\":\"hank\"}", "unexpected character"),
        (#"{"hub_name":tru}"#, "literal"),
    ])
    func refusesMalformedJSON(_ json: String, _ reason: String) {
        let error = #expect(throws: WireError.self) { try decode(RegistrationResponse.self, json) }
        guard case .malformedJSON(_, let why)? = error else {
            Issue.record("expected malformedJSON, got \(String(describing: error))")
            return
        }
        #expect(why.contains(reason), "\(why)")
    }

    @Test func refusesInvalidUTF8() {
        var bytes = Array(#"{"hub_name":"h"}"#.utf8)
        bytes[13] = 0xFF
        #expect(throws: WireError.self) { try WireCoding.decode(RegistrationResponse.self, from: bytes) }
        bytes[13] = 0xC0  // overlong encoding lead byte
        #expect(throws: WireError.self) { try WireCoding.decode(RegistrationResponse.self, from: bytes) }
    }

    @Test func refusesDuplicateMembersNamingThem() {
        #expect(throws: WireError.duplicateKey(field: "hub_name")) {
            try decode(RegistrationResponse.self, #"{"hub_name":"hank","hub_name":"evil"}"#)
        }
        let nested = #"{"message":"m","details":{"a":[{"k":1,"k":2}]}}"#
        #expect(throws: WireError.duplicateKey(field: "details.a[0].k")) { try decode(ErrorResponse.self, nested) }
        // An escape spelling the same name is still the same name.
        #expect(throws: WireError.duplicateKey(field: "hub_name")) {
            try decode(RegistrationResponse.self, #"{"hub_name":"a","hub\u005fname":"b"}"#)
        }
    }

    @Test func refusesDeepNestingAndOversizedBodies() throws {
        let deep = String(repeating: "[", count: JSONParser.maxDepth + 1) + String(repeating: "]", count: JSONParser.maxDepth + 1)
        #expect(throws: WireError.self) { try WireCoding.parse(Array(deep.utf8)) }
        let ok = String(repeating: "[", count: JSONParser.maxDepth) + String(repeating: "]", count: JSONParser.maxDepth)
        _ = try WireCoding.parse(Array(ok.utf8))
        let body = Array(#"{"hub_name":"hank"}"#.utf8)
        #expect(throws: WireError.tooLarge(size: body.count, limit: 10)) {
            try WireCoding.decode(RegistrationResponse.self, from: body, limit: 10)
        }
        #expect(WireCoding.limit(forBase64Payload: 2000) >= StrictBase64.encodedLength(of: 2000) + 100)
    }

    @Test func aLargePSRDBlockDecodesWithinItsLimit() throws {
        let data = (0..<(2 << 20)).map { (index: Int) in UInt8(truncatingIfNeeded: (index &* 2_654_435_761) >> 13) }
        let bytes = WireCoding.encode(PSRDBlockResponse(blockUUID: blockA, data: data))
        #expect(throws: WireError.self) { try WireCoding.decode(PSRDBlockResponse.self, from: bytes) }
        let decoded = try WireCoding.decode(PSRDBlockResponse.self, from: bytes, limit: WireCoding.limit(forBase64Payload: data.count))
        #expect(decoded.data == data)
    }

    @Test func acceptsWhitespaceAndEscapedSlashesFromOtherEncoders() throws {
        let json = " {\n\t\"hub_name\" : \"a\\/b\\u00e9\" }\r\n"
        #expect(try decode(RegistrationResponse.self, json).hubName == "a/bé")
    }

    @Test func foundationCodersStillWork() throws {
        // Other components may hand these types to Foundation; the Codable conformances must be
        // coder-agnostic even though only WireCoding guarantees the reference's bytes.
        let request = PostKeyShareRequest(masterClientName: "carol", masterSAEID: "sam", slaveSAEID: "sofia",
                                          userKeyID: keyID, shareIndex: 1, encryptionKeyAllocation: try allocation(),
                                          encryptedShareValue: [9, 8, 7, 6, 5, 4])
        let data = try JSONEncoder().encode(request)
        #expect(try JSONDecoder().decode(PostKeyShareRequest.self, from: data) == request)
        let error = ErrorResponse(message: "m", details: ["a": [1, "x", nil], "b": ["c": true]])
        let decoded = try JSONDecoder().decode(ErrorResponse.self, from: try JSONEncoder().encode(error))
        #expect(decoded.details?["a"] == error.details?["a"] && decoded.details?["b"] == error.details?["b"])
    }

    @Test func errorDescriptionsAreOneLine() {
        let errors: [WireError] = [.tooLarge(size: 2, limit: 1), .malformedJSON(offset: 3, reason: "r"),
                                   .duplicateKey(field: "a.b"), .missingField("x"),
                                   .typeMismatch(field: "f", expected: "an integer, found a string"),
                                   .invalidField(field: "", reason: "why")]
        for error in errors { #expect(!error.description.isEmpty && !error.description.contains("\n")) }
        #expect(WireError.fieldPath([AnyCodingKey("a"), AnyCodingKey(index: 3), AnyCodingKey("b\nc")]) == "a[3].b?c")
    }
}
