import Foundation
import Testing
@testable import DSKECore

/// ETSI GS QKD 014 V1.1.1 data formats: members in the order of the standard's tables, optional
/// members omitted (not `null`) when absent.
@Suite struct ETSI014MessageTests {
    let keyID = UUID(uuidString: "bc490419-7d60-487f-adc1-4ddcc177c139")!

    func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    func decode<T: Decodable>(_ type: T.Type, _ json: String) throws(WireError) -> T {
        try WireCoding.decode(type, from: Array(json.utf8))
    }

    func status(extension: JSONObject? = nil) -> ETSIStatus {
        ETSIStatus(sourceKMEID: "carol", targetKMEID: "connie", masterSAEID: "sam", slaveSAEID: "sofia",
                   keySize: 256, storedKeyCount: 0, maxKeyCount: 100000, maxKeyPerRequest: 128,
                   maxKeySize: 16_777_216, minKeySize: 32, maxSAEIDCount: 0, statusExtension: `extension`)
    }

    @Test func statusHasTheStandardsMemberOrder() throws {
        let expected = #"{"source_KME_ID":"carol","target_KME_ID":"connie","master_SAE_ID":"sam","slave_SAE_ID":"sofia","key_size":256,"stored_key_count":0,"max_key_count":100000,"max_key_per_request":128,"max_key_size":16777216,"min_key_size":32,"max_SAE_ID_count":0}"#
        #expect(text(WireCoding.encode(status())) == expected)
        #expect(try decode(ETSIStatus.self, expected) == status())
        let extended = status(extension: ["psrd_bytes": 4096, "hubs": ["hank", "helen"]])
        let bytes = WireCoding.encode(extended)
        #expect(text(bytes).hasSuffix(#""max_SAE_ID_count":0,"status_extension":{"psrd_bytes":4096,"hubs":["hank","helen"]}}"#))
        #expect(try WireCoding.decode(ETSIStatus.self, from: bytes) == extended)
    }

    @Test func statusRefusesMissingOrMistypedMembers() {
        #expect(throws: WireError.missingField("key_size")) {
            try decode(ETSIStatus.self, #"{"source_KME_ID":"a","target_KME_ID":"b","master_SAE_ID":"c","slave_SAE_ID":"d"}"#)
        }
        let mistyped = text(WireCoding.encode(status())).replacingOccurrences(of: #""key_size":256"#, with: #""key_size":"256""#)
        #expect(throws: WireError.typeMismatch(field: "key_size", expected: "an integer, found a string")) {
            try decode(ETSIStatus.self, mistyped)
        }
        let badExtension = text(WireCoding.encode(status())).replacingOccurrences(of: "}", with: #","status_extension":[1]}"#)
        #expect(throws: WireError.self) { try decode(ETSIStatus.self, badExtension) }
    }

    @Test func keyRequestMembersAreAllOptional() throws {
        #expect(try decode(ETSIKeyRequest.self, "{}") == ETSIKeyRequest())
        #expect(text(WireCoding.encode(ETSIKeyRequest())) == "{}")
        #expect(text(WireCoding.encode(ETSIKeyRequest(number: 3))) == #"{"number":3}"#)
        // null is read as absent, as pydantic-based clients may send it.
        #expect(try decode(ETSIKeyRequest.self, #"{"number":null,"size":null}"#) == ETSIKeyRequest())
    }

    @Test func keyRequestWithEveryMember() throws {
        let request = ETSIKeyRequest(number: 2, size: 1024, additionalSlaveSAEIDs: ["susan"],
                                     extensionMandatory: [["abc_route_type": "direct"]],
                                     extensionOptional: [["abc_transfer_method": "qkd"], [:]])
        let expected = #"{"number":2,"size":1024,"additional_slave_SAE_IDs":["susan"],"extension_mandatory":[{"abc_route_type":"direct"}],"extension_optional":[{"abc_transfer_method":"qkd"},{}]}"#
        #expect(text(WireCoding.encode(request)) == expected)
        #expect(try decode(ETSIKeyRequest.self, expected) == request)
    }

    /// Range checks belong to the KME (the standard fixes their messages); the parser only
    /// refuses what is not an integer.
    @Test func keyRequestLeavesRangesToTheKME() throws {
        #expect(try decode(ETSIKeyRequest.self, #"{"number":-1,"size":7}"#) == ETSIKeyRequest(number: -1, size: 7))
        #expect(throws: WireError.self) { try decode(ETSIKeyRequest.self, #"{"size":256.5}"#) }
        #expect(throws: WireError.self) { try decode(ETSIKeyRequest.self, #"{"size":1e400}"#) }
        #expect(throws: WireError.self) { try decode(ETSIKeyRequest.self, #"{"number":"2"}"#) }
        #expect(throws: WireError.self) { try decode(ETSIKeyRequest.self, #"{"extension_mandatory":{"a":1}}"#) }
        #expect(throws: WireError.self) { try decode(ETSIKeyRequest.self, #"{"extension_mandatory":[1]}"#) }
        #expect(throws: WireError.self) { try decode(ETSIKeyRequest.self, #"[]"#) }
    }

    @Test func keyContainerIsAnArrayAsTheStandardSays() throws {
        let container = ETSIKeyContainer(keys: [
            ETSIKey(keyID: keyID, key: Array(0..<32)),
            ETSIKey(keyID: keyID, key: [1, 2, 3, 4], keyIDExtension: ["x": 1], keyExtension: ["y": nil]),
        ])
        let expected = #"{"keys":[{"key_ID":"bc490419-7d60-487f-adc1-4ddcc177c139","key":"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="},{"key_ID":"bc490419-7d60-487f-adc1-4ddcc177c139","key":"AQIDBA==","key_ID_extension":{"x":1},"key_extension":{"y":null}}]}"#
        #expect(text(WireCoding.encode(container)) == expected)
        #expect(try decode(ETSIKeyContainer.self, expected) == container)
        let extended = ETSIKeyContainer(keys: [], keyContainerExtension: ["n": 0])
        #expect(text(WireCoding.encode(extended)) == #"{"keys":[],"key_container_extension":{"n":0}}"#)
    }

    @Test func keyContainerRefusesTheReferencesObjectForm() {
        let referenceStyle = #"{"keys":{"key_ID":"bc490419-7d60-487f-adc1-4ddcc177c139","key":"AQIDBA=="}}"#
        #expect(throws: WireError.typeMismatch(field: "keys", expected: "an array, found an object")) {
            try decode(ETSIKeyContainer.self, referenceStyle)
        }
    }

    @Test func keyIDsAcceptAnyCaseAndEmitLowerCase() throws {
        let json = #"{"key_IDs":[{"key_ID":"BC490419-7D60-487F-ADC1-4DDCC177C139"},{"key_ID":"bc490419-7d60-487f-adc1-4ddcc177c139","key_ID_extension":{"e":"f"}}]}"#
        let ids = try decode(ETSIKeyIDs.self, json)
        #expect(ids.keyIDs.map(\.keyID) == [keyID, keyID])
        #expect(text(WireCoding.encode(ids)) == json.replacingOccurrences(of: "BC490419-7D60-487F-ADC1-4DDCC177C139",
                                                                            with: "bc490419-7d60-487f-adc1-4ddcc177c139"))
        let extended = ETSIKeyIDs(keyIDs: [ETSIKeyID(keyID: keyID)], keyIDsExtension: ["z": true])
        #expect(try WireCoding.decode(ETSIKeyIDs.self, from: WireCoding.encode(extended)) == extended)
    }

    @Test(arguments: [
        #"{"key_IDs":[{"key_ID":"not-a-uuid"}]}"#,
        #"{"key_IDs":[{"key_ID":"bc4904197d60487fadc14ddcc177c139"}]}"#,
        #"{"key_IDs":[{"key_ID":"{bc490419-7d60-487f-adc1-4ddcc177c139}"}]}"#,
        #"{"key_IDs":[{}]}"#,
        #"{"key_IDs":[{"key_ID":1}]}"#,
    ])
    func keyIDsRefuseWhatIsNotAUUID(_ json: String) throws {
        let error = #expect(throws: WireError.self) { try decode(ETSIKeyIDs.self, json) }
        #expect(error?.description.contains("key_IDs[0].key_ID") == true, "\(String(describing: error))")
    }

    @Test func keysNeverShowInDescriptions() throws {
        let key = ETSIKey(keyID: keyID, key: Array("topsecret".utf8))
        let container = ETSIKeyContainer(keys: [key])
        for rendering in ["\(key)", String(reflecting: key), "\(container)", String(reflecting: container)] {
            #expect(!rendering.contains("116") && !rendering.contains(StrictBase64.encode(key.key)), "\(rendering)")
        }
        var dumped = ""
        dump(container, to: &dumped)
        #expect(!dumped.contains("116"), "\(dumped)")
    }

    @Test func keyRefusesBadBase64() {
        let json = #"{"keys":[{"key_ID":"bc490419-7d60-487f-adc1-4ddcc177c139","key":"AQIDBA"}]}"#
        #expect(throws: WireError.invalidField(field: "keys[0].key",
                                               reason: "not canonical base64 (standard alphabet with '=' padding, as Python's b64encode)")) {
            try decode(ETSIKeyContainer.self, json)
        }
    }

    @Test func errorOmitsAbsentDetails() throws {
        let plain = ETSIErrorResponse(message: ETSIErrorResponse.sizeNotMultipleOf8)
        #expect(text(WireCoding.encode(plain)) == #"{"message":"size shall be a multiple of 8"}"#)
        let detailed = ETSIErrorResponse(message: ETSIErrorResponse.keysNotFound,
                                         details: [["key_ID": "bc490419-7d60-487f-adc1-4ddcc177c139"]])
        let expected = #"{"message":"one or more keys specified are not found on KME","details":[{"key_ID":"bc490419-7d60-487f-adc1-4ddcc177c139"}]}"#
        #expect(text(WireCoding.encode(detailed)) == expected)
        #expect(try decode(ETSIErrorResponse.self, expected) == detailed)
        #expect(throws: WireError.self) { try decode(ETSIErrorResponse.self, #"{"message":"m","details":{"a":1}}"#) }
    }
}
