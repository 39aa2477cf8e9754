import Foundation
import Testing
@testable import DSKECore

/// The multi messages: the direct (Codable-free) writers and readers agree with the Codable
/// definition, and the shape checks refuse what a hub must not take.
@Suite struct MultiShareMessageTests {
    func share(_ index: Int) throws -> BatchKeyShare {
        BatchKeyShare(userKeyID: UUID(), shareIndex: index,
                      encryptionKeyAllocation: try Allocation(fragments: [try Fragment(blockUUID: UUID(), start: index * 40, size: 32)]),
                      encryptedShareValue: SecureRandom.bytes(32))
    }

    func post(_ client: String = "carol", master: String, count: Int) throws -> PostKeySharesRequest {
        PostKeySharesRequest(masterClientName: client, masterSAEID: master, slaveSAEID: "sofia", shares: try (0..<count).map { try share($0 % 16) })
    }

    func fetch(_ client: String = "connie", count: Int) -> FetchKeySharesRequest {
        FetchKeySharesRequest(clientName: client, masterSAEID: "sam", slaveSAEID: "sofia", keyIDs: (0..<count).map { _ in UUID() })
    }

    /// Written alike by both paths, read back alike by both (and from the bytes when there is a reader).
    func expectSamePaths<T: WireMessage & Equatable>(_ message: T) throws {
        let bytes = WireCoding.encode(message)
        #expect(bytes == WireCoding.codableEncode(message))
        #expect(try WireCoding.codableDecode(T.self, from: WireCoding.parse(bytes)) == message)
        #expect(try WireCoding.decode(T.self, from: bytes) == message)
    }

    @Test func messagesMatchTheCodablePath() throws {
        try expectSamePaths(PostKeySharesMultiRequest(masterClientName: "carol", messages: [try post(master: "sam", count: 3),
                                                                                          try post(master: "stan\"/", count: 1)]))
        try expectSamePaths(FetchKeySharesMultiRequest(clientName: "connie", requests: [fetch(count: 2), fetch(count: 7)]))
        let error = ErrorResponse(message: "Slave SAE is not registered with this hub.", details: ["slave_sae_id": .string("nobody")])
        try expectSamePaths(KeySharesMultiResponse(outcomes: [.accepted, KeySharesOutcome(status: 400, error: error)]))
        try expectSamePaths(KeySharesMultiResponse(outcomes: [KeySharesOutcome(status: 200, shares: try (0..<5).map { try share($0) }),
                                                              KeySharesOutcome(status: 200, shares: []),
                                                              KeySharesOutcome(status: 401, error: ErrorResponse(message: "no"))]))
    }

    @Test func theFastReadersTakeThePlainFormsAndLeaveTheRestToCodable() throws {
        let request = PostKeySharesMultiRequest(masterClientName: "carol", messages: [try post(master: "sam", count: 2)])
        #expect(WireCoding.encode(request).withUnsafeBufferPointer { PostKeySharesMultiRequest(directBytes: $0) } == request)
        let answer = KeySharesMultiResponse(outcomes: [KeySharesOutcome(status: 200, shares: try (0..<3).map { try share($0) }), .accepted])
        #expect(WireCoding.encode(answer).withUnsafeBufferPointer { KeySharesMultiResponse(directBytes: $0) } == answer)
        let fetches = FetchKeySharesMultiRequest(clientName: "connie", requests: [fetch(count: 3), fetch(count: 1)])
        #expect(WireCoding.encode(fetches).withUnsafeBufferPointer { FetchKeySharesMultiRequest(directBytes: $0) } == fetches)
        // An outcome with an error body takes the parser, and still decodes.
        let refused = KeySharesMultiResponse(outcomes: [KeySharesOutcome(status: 409, error: ErrorResponse(message: "held"))])
        #expect(WireCoding.encode(refused).withUnsafeBufferPointer { KeySharesMultiResponse(directBytes: $0) } == nil)
        #expect(try WireCoding.decode(KeySharesMultiResponse.self, from: WireCoding.encode(refused)) == refused)
    }

    @Test func shapesAHubMustNotTakeAreRefusedOnBothPaths() throws {
        let tooMany = try (0...KeyShareMulti.maxMessages).map { _ in try post(master: "sam", count: 1) }
        let overBatch = [try post(master: "sam", count: 600), try post(master: "stan", count: 600)]
        let otherClient = [try post(master: "sam", count: 1), try post("connie", master: "sam", count: 1)]
        for messages in [[], tooMany, overBatch, otherClient] {
            let bytes = WireCoding.encode(PostKeySharesMultiRequest(masterClientName: "carol", messages: messages))
            #expect(bytes.withUnsafeBufferPointer { PostKeySharesMultiRequest(directBytes: $0) } == nil)
            #expect(throws: WireError.self) { try WireCoding.decode(PostKeySharesMultiRequest.self, from: bytes, limit: 64 << 20) }
        }
        let strangers = FetchKeySharesMultiRequest(clientName: "connie", requests: [fetch(count: 1), fetch("carol", count: 1)])
        #expect(throws: WireError.self) { try WireCoding.decode(FetchKeySharesMultiRequest.self, from: WireCoding.encode(strangers)) }
        #expect(WireCoding.encode(strangers).withUnsafeBufferPointer { FetchKeySharesMultiRequest(directBytes: $0) } == nil)
        let overFetch = FetchKeySharesMultiRequest(clientName: "connie", requests: [fetch(count: 600), fetch(count: 600)])
        #expect(WireCoding.encode(overFetch).withUnsafeBufferPointer { FetchKeySharesMultiRequest(directBytes: $0) } == nil)
        #expect(throws: WireError.self) { try WireCoding.decode(FetchKeySharesMultiRequest.self, from: WireCoding.encode(overFetch)) }
        for outcome in [#"{"status":200,"error":{"message":"x","details":null}}"#, #"{"status":404}"#, #"{"status":99}"#] {
            #expect(throws: WireError.self) { try WireCoding.decode(KeySharesMultiResponse.self, from: Array("{\"outcomes\":[\(outcome)]}".utf8)) }
        }
        #expect(throws: WireError.self) { try WireCoding.decode(KeySharesMultiResponse.self, from: Array(#"{"outcomes":[]}"#.utf8)) }
    }

    /// Every prefix and every one-byte change of a fetch-multi body: the fast reader agrees with
    /// the parser and Codable path, or gives up.
    @Test func damagedFetchMultiBodiesNeverReadDifferently() throws {
        let body = WireCoding.encode(FetchKeySharesMultiRequest(clientName: "c", requests: [fetch("c", count: 1), fetch("c", count: 1)]))
        func agree(_ bytes: [UInt8]) {
            guard let fast = bytes.withUnsafeBufferPointer({ FetchKeySharesMultiRequest(directBytes: $0) }) else { return }
            #expect(fast == (try? WireCoding.codableDecode(FetchKeySharesMultiRequest.self, from: WireCoding.parse(bytes))))
        }
        for end in 0..<body.count { agree(Array(body[..<end])) }
        for index in body.indices {
            for byte in Array("\"\\{}[],:0 9aA-tf".utf8) + [0x00, 0xC3] {
                var damaged = body
                damaged[index] = byte
                agree(damaged)
            }
        }
    }

    @Test func capabilitiesFromHubsThatPredateTheExtensionSayNo() throws {
        #expect(try WireCoding.decode(CapabilitiesResponse.self, from: Array(#"{"batch":true,"delete":true,"resume":true}"#.utf8)).multi == false)
        #expect(try WireCoding.decode(CapabilitiesResponse.self, from: WireCoding.encode(CapabilitiesResponse(batch: true, delete: true, resume: true, multi: true))).multi)
    }
}
