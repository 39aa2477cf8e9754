import Foundation
import Testing
@testable import DSKECore

/// The hub's batch fetch request read straight from the bytes either builds what the parser and
/// Codable path build, or gives up so that path answers (with its own error).
@Suite struct FetchKeySharesRequestBytesTests {
    func fast<T: DirectBytesMessage>(_ type: T.Type, _ text: String) -> T? { DirectBytesReading.fast(type, text) }
    func codable<T: Decodable>(_ type: T.Type, _ text: String) -> T? { DirectBytesReading.codable(type, text) }

    @Test func fetchRequestsReadAsTheCodablePathReadsThem() throws {
        let ids = (0..<128).map { _ in UUID() }
        for count in [1, 2, 128] {
            let message = FetchKeySharesRequest(clientName: "connie", masterSAEID: "sam", slaveSAEID: "sofia", keyIDs: Array(ids.prefix(count)))
            let body = String(decoding: WireCoding.encode(message), as: UTF8.self)
            #expect(fast(FetchKeySharesRequest.self, body) == message)
            #expect(codable(FetchKeySharesRequest.self, body) == message)
        }
        let good = String(decoding: WireCoding.encode(FetchKeySharesRequest(clientName: "c", masterSAEID: "m", slaveSAEID: "s", keyIDs: [ids[0]])), as: UTF8.self)
        let variants = [
            good.replacingOccurrences(of: ids[0].lowercased, with: ids[0].uuidString),
            good.replacingOccurrences(of: ids[0].lowercased, with: ids[0].lowercased + "\",\"" + ids[0].lowercased),
            good.replacingOccurrences(of: "[\"" + ids[0].lowercased + "\"]", with: "[]"),
            good.replacingOccurrences(of: "\"c\"", with: "\"\\u0063\""),
            good.replacingOccurrences(of: "{\"client_name\"", with: "{\"x\":1,\"client_name\""),
            good.replacingOccurrences(of: "\"m\"", with: "null"),
            good + " x",
        ]
        for body in variants {
            #expect(fast(FetchKeySharesRequest.self, body) == nil, "\(body)")
            if let decoded = codable(FetchKeySharesRequest.self, body) {
                #expect(decoded.keyIDs == [ids[0]])
            }
        }
        let tooMany = FetchKeySharesRequest(clientName: "c", masterSAEID: "m", slaveSAEID: "s",
                                            keyIDs: (0...KeyShareBatch.maxCount).map { _ in UUID() })
        let body = String(decoding: WireCoding.encode(tooMany), as: UTF8.self)
        #expect(fast(FetchKeySharesRequest.self, body) == nil)
        #expect(codable(FetchKeySharesRequest.self, body) == nil)
    }
}
