import DSKECore
import DSKEService
import Testing

@Suite struct ServiceErrorTests {
    @Test func eachCaseHasOneStatus() {
        let cases: [(ServiceError, Int)] = [
            (.badRequest("x"), 400), (.clientNotRegistered("carol"), 400), (.missingSignature, 401),
            (.invalidSignature("x"), 401), (.notAllowed("x"), 401), (.notFound("x"), 404),
            (.methodNotAllowed(method: "PUT", path: "/p"), 405), (.conflict("x"), 409), (.payloadTooLarge(limit: 10), 413),
            (.tooManyFailures(peer: "carol"), 429), (.psrdExhausted("x"), 503), (.unavailable("x"), 503),
            (.internalError("x"), 500),
        ]
        for (error, status) in cases { #expect(Int(error.status.code) == status, "\(error)") }
    }

    @Test func theBodyIsTheReferences() {
        #expect(WireCoding.encode(ServiceError.clientNotRegistered("carol").body)
                == Array(#"{"message":"Client is not registered.","details":{"client_name":"carol"}}"#.utf8))
        #expect(WireCoding.encode(ServiceError.missingSignature.body)
                == Array(#"{"message":"Missing DSKE-Signature header.","details":null}"#.utf8))
    }

    @Test func anInternalErrorsCauseStaysInTheLog() {
        let error = ServiceError.internalError("disk /secret/path failed")
        #expect(!String(decoding: WireCoding.encode(error.body), as: UTF8.self).contains("secret"))
        #expect(error.description.contains("disk /secret/path failed"))
    }

    @Test func poolErrorsMapByWhoseFaultTheyAre() {
        #expect(ServiceError.fromOwnPool(.exhausted(requested: 32, available: 0)).status == .serviceUnavailable)
        #expect(ServiceError.fromOwnPool(.storage("disk")).status == .internalServerError)
        #expect(ServiceError.fromPeerPool(.alreadyUsed(block: .init(), start: 0, size: 32)).status == .badRequest)
        #expect(ServiceError.fromPeerPool(.storage("disk")).status == .internalServerError)
    }
}
