@testable import DSKEService
import HTTPTypes
import Hummingbird
import Testing

/// Who an `Authorization` header names in simulation mode.
@Suite struct CallerIdentityTests {
    func request(authorization: String?) -> Request {
        var fields = HTTPFields()
        if let authorization { fields[.authorization] = authorization }
        let head = HTTPRequest(method: .get, scheme: "http", authority: "127.0.0.1", path: "/api/v1/keys/sofia/status", headerFields: fields)
        return Request(head: head, body: .init(buffer: .init()))
    }

    @Test func theHeaderNamesTheCallerWithoutSurroundingWhitespace() {
        let cases: [(String?, String?)] = [(nil, nil), ("sam", "sam"), ("  sam\t", "sam"), ("sam two", "sam two"),
                                           (" ", ""), ("sam ", "sam"), ("\tsam", "sam"), ("sé", "sé")]
        for (header, caller) in cases {
            #expect(CallerIdentityMiddleware.authorization(request(authorization: header)) == caller, "\(String(describing: header))")
        }
    }
}
