import DSKEService
import Foundation
import Testing

@Suite struct QueryParametersTests {
    @Test func decodesFormEncodingAsStarletteDoes() throws {
        let query = try QueryParameters(query: "client_name=car%C3%B6l&note=a+b%20c&empty=&flag")
        #expect(query["client_name"] == "caröl")
        #expect(query["note"] == "a b c")
        #expect(query["empty"] == "")
        #expect(query["flag"] == "")
        #expect(query["missing"] == nil)
    }

    @Test func refusesWhatCouldMeanTwoThings() {
        #expect(throws: ServiceError.self) { try QueryParameters(query: "a=1&a=1") }
        #expect(throws: ServiceError.self) { try QueryParameters(query: "a=%G1") }
        #expect(throws: ServiceError.self) { try QueryParameters(query: "a=%4") }
        #expect(throws: ServiceError.self) { try QueryParameters(query: "a=%FF") }
        #expect(throws: ServiceError.self) { try QueryParameters(query: String(repeating: "a=1&", count: 40)) }
    }

    @Test func integersArePlainDecimalsInRange() throws {
        let query = try QueryParameters(query: "a=10&b=-1&c=1e3&d=007&e=99999999999999999999&f=%2B5")
        #expect(try query.requireInt("a", in: 1...10) == 10)
        #expect(try query.requireInt("d", in: 1...10) == 7)
        for name in ["b", "c", "e", "f", "missing"] {
            #expect(throws: ServiceError.self, "\(name)") { try query.requireInt(name, in: 1...Int.max) }
        }
        #expect(throws: ServiceError.self) { try query.requireInt("a", in: 1...9) }
    }

    @Test func keyIDsAreUUIDsInAnyCase() throws {
        let id = UUID()
        let query = try QueryParameters(query: "a=\(id.uuidString)&b=\(id.uuidString.lowercased())&c=nope")
        #expect(try query.requireUUID("a") == id)
        #expect(try query.requireUUID("b") == id)
        #expect(throws: ServiceError.badRequest("Invalid key ID.", details: ["c": "nope"])) { try query.requireUUID("c") }
    }

    @Test func formEncodingRoundTrips() throws {
        let parameters = [("client_name", "caröl & co"), ("key_id", "a/b=c?d")]
        let encoded = PeerConnection.formEncode(parameters)
        #expect(!encoded.contains(" ") && !encoded.contains("/") && !encoded.contains("?"))
        let decoded = try QueryParameters(query: encoded)
        for (name, value) in parameters { #expect(decoded[name] == value) }
    }
}
