import Foundation
import Testing
@testable import DSKECore

/// The dec_keys body read straight from the bytes either builds what the parser and Codable
/// path build, or gives up so that path answers (with its own error).
@Suite struct ETSIKeyIDsDirectTests {
    func fast<T: DirectBytesMessage>(_ type: T.Type, _ text: String) -> T? { DirectBytesReading.fast(type, text) }
    func codable<T: Decodable>(_ type: T.Type, _ text: String) -> T? { DirectBytesReading.codable(type, text) }

    func keyIDs(_ ids: [String]) -> String {
        #"{"key_IDs":["# + ids.map { #"{"key_ID":""# + $0 + #""}"# }.joined(separator: ",") + "]}"
    }

    @Test func hyphenatedUUIDsOfEitherCaseParseAsFoundationParsesThem() {
        for _ in 0..<200 {
            let uuid = UUID()
            for text in [uuid.uuidString, uuid.lowercased, String(uuid.uuidString.enumerated().map { $0.offset % 3 == 0 ? Character($0.element.lowercased()) : $0.element })] {
                let parsed = Array(text.utf8).withUnsafeBufferPointer { UUID.parseHyphenated($0) }.map { UUID(uuid: $0) }
                #expect(parsed == uuid, "\(text)")
                #expect(parsed == UUID(uuidString: text))
            }
        }
        for bad in ["b6ed2299ba1e49478c3007aec0247518", "b6ed2299-ba1e-4947-8c30-07aec024751", "b6ed2299-ba1e-4947-8c30_07aec0247518",
                    "g6ed2299-ba1e-4947-8c30-07aec0247518", "+6ed2299-ba1e-4947-8c30-07aec0247518", " b6ed229-ba1e-4947-8c30-07aec0247518",
                    "b6ed2299-ba1e-4947-8c30-07aec02475G8", "b6ed2299-ba1e-4947-8c30-07aec0247518 "] {
            #expect(Array(bad.utf8).withUnsafeBufferPointer { UUID.parseHyphenated($0) } == nil, "\(bad)")
        }
    }

    @Test func keyIDsBodiesReadAsTheCodablePathReadsThem() {
        let ids = (0..<128).map { _ in UUID() }
        for texts in [[], [ids[0].uuidString], ids.map(\.lowercased), ids.map(\.uuidString)] {
            let body = keyIDs(texts)
            let direct = fast(ETSIKeyIDs.self, body)
            #expect(direct != nil)
            #expect(direct == codable(ETSIKeyIDs.self, body))
            #expect(direct?.keyIDs.map(\.keyID) == Array(ids.prefix(texts.count)))
        }
        let spaced = " {\n\"key_IDs\" : [ {\"key_ID\"\t:\"\(ids[1].lowercased)\" } ,{\"key_ID\":\"\(ids[2].uuidString)\"}]}\r\n"
        #expect(fast(ETSIKeyIDs.self, spaced) == ETSIKeyIDs(keyIDs: [ETSIKeyID(keyID: ids[1]), ETSIKeyID(keyID: ids[2])]))
    }

    /// Legal bodies the fast reader leaves to the Codable path, and bodies both refuse.
    @Test func unusualKeyIDsBodiesFallBack() {
        let id = UUID().lowercased
        let legal = [
            #"{"key_IDs":[{"key_ID":""# + id + #"","key_ID_extension":{"a":1}}]}"#,
            #"{"key_IDs":[{"key_ID":""# + id + #""}],"key_IDs_extension":{}}"#,
            #"{"key_IDs":[{"key_ID":""# + id + #"","other":1}]}"#,
            #"{"key_IDs":[{"key_ID":""# + id.replacingOccurrences(of: "-", with: "\\u002d") + #""}]}"#,
        ]
        for body in legal {
            #expect(fast(ETSIKeyIDs.self, body) == nil, "\(body)")
            #expect(codable(ETSIKeyIDs.self, body) != nil, "\(body)")
        }
        let refused = [
            #"{"key_IDs":[{"key_ID":""# + id.dropLast() + #""}]}"#,
            #"{"key_IDs":[{"key_ID":""# + id + #"","key_ID":""# + id + #""}]}"#,
            #"{"key_IDs":[{"key_ID":7}]}"#, #"{"key_IDs":{}}"#, #"{}"#, #"{"key_IDs":[]"#, #"{"key_IDs":[]}x"#,
            #"{"key_IDs":[{"key_ID":""# + id.replacingOccurrences(of: "-", with: "") + #"0000"}]}"#,
        ]
        for body in refused {
            #expect(fast(ETSIKeyIDs.self, body) == nil, "\(body)")
            #expect(codable(ETSIKeyIDs.self, body) == nil, "\(body)")
        }
    }
}
