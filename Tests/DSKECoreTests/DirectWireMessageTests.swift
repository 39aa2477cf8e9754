import Foundation
import Testing
@testable import DSKECore

/// The Codable conformances define the wire form; the direct (Codable-free) path of the share
/// messages must write the same bytes, accept the same values and, for anything it refuses,
/// leave the error to the Codable path.
@Suite struct DirectWireMessageTests {
    func allocation(_ sizes: [Int]) throws -> Allocation {
        try Allocation(fragments: sizes.enumerated().map { try Fragment(blockUUID: UUID(), start: $0 * 1000 + 7, size: $1) })
    }

    func share(_ index: Int, bytes: Int = 32) throws -> BatchKeyShare {
        BatchKeyShare(userKeyID: UUID(), shareIndex: index, encryptionKeyAllocation: try allocation(bytes > 5 ? [bytes - 5, 5] : [bytes]),
                      encryptedShareValue: SecureRandom.bytes(bytes))
    }

    /// Both paths write the same bytes, and both read them back to the same message.
    func expectSamePaths<T: WireMessage & Equatable>(_ message: T) throws {
        let direct = WireCoding.encode(message)
        #expect(direct == WireCoding.codableEncode(message))
        let value = try WireCoding.parse(direct)
        #expect(try WireCoding.decode(T.self, from: value) == message)
        #expect(try WireCoding.codableDecode(T.self, from: value) == message)
        #expect((T.self as? any DirectWireMessage.Type)?.init(direct: value) as? T == message)
    }

    @Test func aBatchNamesEachKeyIDOnce() {
        let ids = (0..<KeyShareBatch.maxCount).map { _ in UUID() }
        #expect(ids.allDistinct && ids.isValidBatch)
        for (from, to) in [(0, 1), (5, 900), (1023, 0), (512, 511)] {
            var repeated = ids
            repeated[to] = repeated[from]
            #expect(!repeated.allDistinct, "\(from) -> \(to)")
            #expect(!repeated.isValidBatch)
        }
        // Equal halves are not equal IDs: both 64-bit words are compared.
        let a = UUID(uuid: (1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 9, 9, 9, 9, 9, 9))
        let b = UUID(uuid: (1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 9, 9, 9, 9, 9, 8))
        let c = UUID(uuid: (0, 2, 3, 4, 5, 6, 7, 8, 9, 9, 9, 9, 9, 9, 9, 9))
        #expect([a, b, c].allDistinct)
        #expect(![a, b, c, b].allDistinct)
        #expect([a].isValidBatch && !([UUID]()).isValidBatch)
        // IDs that are not random (a peer's choice) differ in a few bits only: still told apart,
        // and a repeat found wherever it is; also beyond a batch's size.
        let structured = (0..<3000).map { i in
            UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, UInt8(i >> 8), UInt8(i & 0xFF)))
        }
        #expect(structured.allDistinct)
        #expect(!(structured + [structured[2047]]).allDistinct)
        #expect(!([structured[0]] + structured).allDistinct)
        #expect(!(ids + [UUID()]).isValidBatch, "more than the batch limit")
    }

    @Test func uuidsAreSpelledAsFoundationSpellsThemLowercased() {
        for _ in 0..<200 {
            let uuid = UUID()
            #expect(uuid.lowercased == uuid.uuidString.lowercased())
            #expect(UUID(canonical: uuid.lowercased) == uuid)
            #expect(UUID(canonical: uuid.uuidString) == (uuid.uuidString == uuid.lowercased ? uuid : nil))
        }
    }

    @Test func onlyTheCanonicalUUIDSpellingParses() {
        let good = "b6ed2299-ba1e-4947-8c30-07aec0247518"
        #expect(UUID(canonical: good)?.lowercased == good)
        #expect(UUID(canonical: good[...]) != nil)
        for bad in ["B6ED2299-BA1E-4947-8C30-07AEC0247518", "b6ed2299ba1e49478c3007aec0247518", "b6ed2299-ba1e-4947-8c30-07aec024751",
                    "b6ed2299-ba1e-4947-8c30-07aec02475188", "b6ed2299-ba1e-4947-8c30_07aec0247518", "g6ed2299-ba1e-4947-8c30-07aec0247518",
                    "{6ed2299-ba1e-4947-8c30-07aec0247518", "", " b6ed2299-ba1e-4947-8c30-07aec024751"] {
            #expect(UUID(canonical: bad) == nil, "\(bad)")
        }
    }

    @Test func shareMessagesMatchTheCodablePath() throws {
        try expectSamePaths(try allocation([1, 300, 65536]))
        try expectSamePaths(try Fragment(blockUUID: UUID(), start: 0, size: Int.max))
        let shares = try (1...5).map { try share($0) } + [try share(15, bytes: 1)]
        try expectSamePaths(PostKeySharesRequest(masterClientName: "carol \"c\"/\n", masterSAEID: "sam", slaveSAEID: "séb😀",
                                                  shares: shares))
        try expectSamePaths(FetchKeySharesResponse(shares: shares))
        try expectSamePaths(FetchKeySharesResponse(shares: []))
        try expectSamePaths(FetchKeySharesRequest(clientName: "connie", masterSAEID: "sam", slaveSAEID: "sofia",
                                                  keyIDs: (0..<7).map { _ in UUID() }))
        try expectSamePaths(PostKeyShareRequest(masterClientName: "carol", masterSAEID: "sam", slaveSAEID: "sofia", userKeyID: UUID(),
                                                shareIndex: 3, encryptionKeyAllocation: try allocation([10, 22]),
                                                encryptedShareValue: SecureRandom.bytes(32)))
        try expectSamePaths(GetKeyShareResponse(shareIndex: 1, encryptionKeyAllocation: try allocation([32]),
                                                encryptedShareValue: SecureRandom.bytes(32)))
    }

    /// Members in another order and unknown members: accepted by both paths alike.
    /// The ETSI key container is written directly and read through Codable: the bytes must be
    /// the Codable path's, extensions (escapes, nesting, member order) included.
    @Test func keyContainersMatchTheCodablePath() throws {
        let extensionObject: JSONObject = ["z": .string("a/\"b\"\n\u{1}é"), "a": .array([.number(JSONNumber(-3)), .null, .bool(true)]),
                                           "nested": .object(["k": .object([:])])]
        let containers = [
            ETSIKeyContainer(keys: []),
            ETSIKeyContainer(keys: [ETSIKey(keyID: UUID(), key: [0])]),
            ETSIKeyContainer(keys: (0..<128).map { _ in ETSIKey(keyID: UUID(), key: SecureRandom.bytes(32)) }),
            ETSIKeyContainer(keys: [ETSIKey(keyID: UUID(), key: SecureRandom.bytes(300), keyIDExtension: extensionObject),
                                    ETSIKey(keyID: UUID(), key: SecureRandom.bytes(2), keyExtension: [:]),
                                    ETSIKey(keyID: UUID(), key: SecureRandom.bytes(5), keyIDExtension: [:], keyExtension: extensionObject)],
                             keyContainerExtension: extensionObject),
        ]
        for container in containers {
            let direct = WireCoding.encode(container)
            #expect(direct == WireCoding.codableEncode(container))
            #expect(try WireCoding.decode(ETSIKeyContainer.self, from: direct) == container)
        }
    }

    @Test func memberOrderAndUnknownMembersDoNotMatter() throws {
        let json = #"{"extra":[1,{"a":null}],"share_index":2,"encrypted_share_value":"AAEC","encryption_key_allocation":{"fragments":[{"size":3,"start":0,"block_uuid":"b6ed2299-ba1e-4947-8c30-07aec0247518","x":1}]}}"#
        let value = try WireCoding.parse(Array(json.utf8))
        let direct = GetKeyShareResponse(direct: value)
        #expect(direct != nil)
        #expect(direct == (try WireCoding.codableDecode(GetKeyShareResponse.self, from: value)))
    }

    /// Whatever the Codable path refuses, the direct path refuses too (so the Codable error is
    /// the one reported).
    @Test func invalidMessagesAreLeftToTheCodablePath() throws {
        let good = try share(2)
        let goodJSON = String(decoding: WireCoding.encode(good), as: UTF8.self)
        let id = good.userKeyID.lowercased
        let variants = [
            goodJSON.replacingOccurrences(of: id, with: id.uppercased()),
            goodJSON.replacingOccurrences(of: "\"share_index\":2", with: "\"share_index\":2.0"),
            goodJSON.replacingOccurrences(of: "\"share_index\":2", with: "\"share_index\":256"),
            goodJSON.replacingOccurrences(of: "\"share_index\":2", with: "\"share_index\":\"2\""),
            goodJSON.replacingOccurrences(of: "\"share_index\":2,", with: ""),
            goodJSON.replacingOccurrences(of: "\"start\":7", with: "\"start\":-7"),
            goodJSON.replacingOccurrences(of: "\"size\":5", with: "\"size\":0"),
            goodJSON.replacingOccurrences(of: "\"encrypted_share_value\":\"", with: "\"encrypted_share_value\":\"AAAA"),
            goodJSON.replacingOccurrences(of: "\"fragments\":[", with: "\"fragments\":[1,"),
        ]
        for json in variants {
            let value = try WireCoding.parse(Array(json.utf8))
            #expect(BatchKeyShare(direct: value) == nil, "\(json)")
            #expect(throws: WireError.self) { try WireCoding.codableDecode(BatchKeyShare.self, from: value) }
            #expect(throws: WireError.self) { try WireCoding.decode(BatchKeyShare.self, from: value) }
        }
        let twice = try WireCoding.parse(WireCoding.encode(FetchKeySharesResponse(shares: [good, good])))
        #expect(FetchKeySharesResponse(direct: twice) == nil)
        #expect(throws: WireError.self) { try WireCoding.decode(FetchKeySharesResponse.self, from: twice) }
        let empty = try WireCoding.parse(Array(#"{"client_name":"c","master_sae_id":"m","slave_sae_id":"s","key_ids":[]}"#.utf8))
        #expect(FetchKeySharesRequest(direct: empty) == nil)
        #expect(throws: WireError.self) { try WireCoding.decode(FetchKeySharesRequest.self, from: empty) }
    }

    // MARK: Reading straight from the bytes (`DirectWireReader`)

    /// The fast reader either builds what the parser and Codable path build, or gives up (nil).
    @discardableResult
    func expectAgreement<T: DirectBytesMessage & WireMessage & Equatable>(_ type: T.Type, _ text: String) -> T? {
        expectAgreement(type, Array(text.utf8))
    }

    @discardableResult
    func expectAgreement<T: DirectBytesMessage & WireMessage & Equatable>(_ type: T.Type, _ bytes: [UInt8]) -> T? {
        let fast = bytes.withUnsafeBufferPointer { T(directBytes: $0) }
        if let fast {
            #expect(fast == (try? WireCoding.codableDecode(T.self, from: WireCoding.parse(bytes))), "\(String(decoding: bytes, as: UTF8.self))")
        }
        return fast
    }

    func post(_ shares: [BatchKeyShare]) -> PostKeySharesRequest {
        PostKeySharesRequest(masterClientName: "carol", masterSAEID: "sam", slaveSAEID: "sofia", shares: shares)
    }

    func text(_ message: some WireMessage) -> String { String(decoding: WireCoding.encode(message), as: UTF8.self) }

    @Test func batchesReadFromTheBytesAsTheCodablePathReadsThem() throws {
        for count in [0, 1, 128] {
            let shares = try (0..<count).map { try share($0 % 16, bytes: $0 % 2 == 0 ? 32 : 1) }
            #expect(expectAgreement(FetchKeySharesResponse.self, text(FetchKeySharesResponse(shares: shares))) == FetchKeySharesResponse(shares: shares))
            if count > 0 {
                #expect(expectAgreement(PostKeySharesRequest.self, text(post(shares))) == post(shares))
            }
            // Whitespace between tokens (the texts here hold no ',' or ':').
            let spaced = text(post(shares)).replacingOccurrences(of: ",", with: " ,\n\t").replacingOccurrences(of: ":", with: "\r: ")
            #expect(expectAgreement(PostKeySharesRequest.self, " \n" + spaced + "\t ") == (count > 0 ? post(shares) : nil))
        }
    }

    @Test func memberOrderDoesNotMatterToTheFastReader() throws {
        let good = try share(3)
        let members = ["\"user_key_id\":\"\(good.userKeyID.lowercased)\"", "\"share_index\":3",
                       "\"encryption_key_allocation\":" + text(good.encryptionKeyAllocation),
                       "\"encrypted_share_value\":\"\(Data(good.encryptedShareValue).base64EncodedString())\""]
        func permutations(_ items: [String]) -> [[String]] {
            items.count <= 1 ? [items] : items.indices.flatMap { i in
                permutations(items.enumerated().filter { $0.offset != i }.map(\.element)).map { [items[i]] + $0 }
            }
        }
        let orders = permutations(members)
        #expect(orders.count == 24)
        for order in orders {
            let share = "{" + order.joined(separator: ",") + "}"
            #expect(expectAgreement(FetchKeySharesResponse.self, #"{"shares":["# + share + "]}") == FetchKeySharesResponse(shares: [good]))
            let body = #"{"shares":["# + share + #"],"slave_sae_id":"sofia","master_sae_id":"sam","master_client_name":"carol"}"#
            #expect(expectAgreement(PostKeySharesRequest.self, body) == post([good]))
        }
    }

    /// Escapes, non-ASCII text and unknown members are legal but left to the parser; the message
    /// still decodes to the same value through `WireCoding.decode`.
    @Test func legalButUnusualBodiesFallBackAndStillDecode() throws {
        let good = try share(1)
        let body = text(post([good]))
        let variants = [
            body.replacingOccurrences(of: "\"carol\"", with: #""\u0063arol""#),
            body.replacingOccurrences(of: "\"sam\"", with: #""\u0073am""#),
            body.replacingOccurrences(of: "{\"master_client_name\"", with: "{\"extra\":[1,null],\"master_client_name\""),
            body.replacingOccurrences(of: good.userKeyID.lowercased, with: good.userKeyID.lowercased.replacingOccurrences(of: "-", with: "\\u002d")),
        ]
        for variant in variants {
            #expect(expectAgreement(PostKeySharesRequest.self, variant) == nil, "\(variant)")
            #expect(try WireCoding.decode(PostKeySharesRequest.self, from: Array(variant.utf8)) == post([good]), "\(variant)")
        }
        let accented = PostKeySharesRequest(masterClientName: "carol", masterSAEID: "séb", slaveSAEID: "sofia", shares: [good])
        #expect(expectAgreement(PostKeySharesRequest.self, text(accented)) == nil)
        #expect(try WireCoding.decode(PostKeySharesRequest.self, from: WireCoding.encode(accented)) == accented)
    }

    /// Anything malformed or refused: the fast reader gives up, so the Codable error is the answer.
    @Test func malformedBodiesAreLeftToTheCodablePath() throws {
        let good = try share(2)
        let body = text(post([good]))
        let id = good.userKeyID.lowercased
        let replacements: [(String, String)] = [
            ("{\"master_client_name\":\"carol\"", "{\"master_client_name\":\"x\",\"master_client_name\":\"carol\""),
            ("\"share_index\":2", "\"share_index\":2,\"share_index\":2"),
            ("\"master_sae_id\":\"sam\",", ""),
            ("\"master_sae_id\":\"sam\"", "\"master_sae_id\":7"),
            ("\"master_sae_id\":\"sam\"", "\"master_sae_id\":null"),
            ("\"share_index\":2", "\"share_index\":99999999999999999999999"),
            ("\"share_index\":2", "\"share_index\":1e0"),
            ("\"share_index\":2", "\"share_index\":02"),
            ("\"share_index\":2", "\"share_index\":-1"),
            ("\"share_index\":2", "\"share_index\":2.5"),
            ("\"start\":7", "\"start\":99999999999999999999"),
            (id, id.uppercased()),
            (id, "{" + id.dropFirst() + "}"),
        ]
        var variants: [String] = replacements.map { body.replacingOccurrences(of: $0.0, with: $0.1) }
        variants += [
            body + "x", body + "{}", body + ",", "[" + body + "]", String(body.dropLast()),
            text(post([good, good])),
            text(FetchKeySharesResponse(shares: [good])),
            #"{"master_client_name":"c","master_sae_id":"m","slave_sae_id":"s","shares":[]}"#,
            text(post(try (0...KeyShareBatch.maxCount).map { try share($0 % 16, bytes: 1) })),
        ]
        for variant in variants {
            #expect(expectAgreement(PostKeySharesRequest.self, variant) == nil, "\(variant)")
            #expect(throws: WireError.self) { try WireCoding.decode(PostKeySharesRequest.self, from: Array(variant.utf8)) }
        }
        #expect(expectAgreement(FetchKeySharesResponse.self, text(FetchKeySharesResponse(shares: [good, good]))) == nil)
        #expect(expectAgreement(FetchKeySharesResponse.self, #"{"shares":[],"shares":[]}"#) == nil)
        #expect(expectAgreement(FetchKeySharesResponse.self, #"{}"#) == nil)
    }

    /// Every prefix and every one-byte change of a body: the fast reader agrees or gives up.
    @Test func damagedBodiesNeverReadDifferently() throws {
        let shares = [try share(4, bytes: 6)]
        for (body, fetch) in [(Array(text(post(shares)).utf8), false), (Array(text(FetchKeySharesResponse(shares: shares)).utf8), true)] {
            for end in 0..<body.count {
                let prefix = Array(body[..<end])
                #expect(fetch ? expectAgreement(FetchKeySharesResponse.self, prefix) == nil : expectAgreement(PostKeySharesRequest.self, prefix) == nil)
            }
            for index in body.indices {
                for byte in Array("\"\\{}[],:0 9aA-\u{7f}".utf8) + [0x00, 0xC3] {
                    var damaged = body
                    damaged[index] = byte
                    if fetch {
                        expectAgreement(FetchKeySharesResponse.self, damaged)
                    } else {
                        expectAgreement(PostKeySharesRequest.self, damaged)
                    }
                }
            }
        }
    }
}
