import Foundation
import Testing
@testable import DSKECore

/// The packed form of batch shares (hub extension `packed`): the same shares as the list form,
/// written alike by the direct and Codable paths, read alike from the bytes and through the
/// parser, and refused alike when malformed.
@Suite struct PackedSharesTests {
    let blockA = UUID()
    let blockB = UUID()

    /// `count` shares of `size` bytes whose pads follow each other from one allocation that
    /// crosses from block A into block B, as a client's batch pads do.
    func consecutive(_ count: Int, size: Int = 32, index: Int = 2) throws -> [BatchKeyShare] {
        let whole = try Allocation(fragments: [try Fragment(blockUUID: blockA, start: 100, size: size * count / 2 + 3),
                                               try Fragment(blockUUID: blockB, start: 0, size: size * count - (size * count / 2 + 3))])
        let pads = try whole.slices(sizes: Array(repeating: size, count: count))
        return pads.map { BatchKeyShare(userKeyID: UUID(), shareIndex: index, encryptionKeyAllocation: $0, encryptedShareValue: SecureRandom.bytes(size)) }
    }

    func post(_ shares: [BatchKeyShare], packed: Bool = true) -> PostKeySharesRequest {
        PostKeySharesRequest(masterClientName: "carol", masterSAEID: "sam", slaveSAEID: "sofia", shares: shares, packed: packed)
    }

    func text(_ message: some WireMessage) -> String { String(decoding: WireCoding.encode(message), as: UTF8.self) }

    /// Both writers give the same bytes; the bytes reader, the tree reader (which leaves a packed
    /// body to Codable) and Codable all read them back to the message.
    func expectSamePaths<T: WireMessage & DirectBytesMessage & Equatable>(_ message: T) throws {
        let bytes = WireCoding.encode(message)
        #expect(bytes == WireCoding.codableEncode(message))
        #expect(bytes.withUnsafeBufferPointer { T(directBytes: $0) } == message)
        #expect(try WireCoding.codableDecode(T.self, from: WireCoding.parse(bytes)) == message)
        #expect(try WireCoding.decode(T.self, from: WireCoding.parse(bytes)) == message)
        #expect(try WireCoding.decode(T.self, from: bytes) == message)
    }

    @Test func packedMessagesMatchTheCodablePathAndCarryTheSameShares() throws {
        let shares = try consecutive(128)
        let message = post(shares)
        #expect(message.packed != nil)
        #expect(message.packed?.shares == shares)
        #expect(message.packed?.allocation.fragments.count == 2)
        try expectSamePaths(message)
        let decoded = try WireCoding.decode(PostKeySharesRequest.self, from: WireCoding.encode(message))
        #expect(decoded.shares == shares)
        try expectSamePaths(FetchKeySharesResponse(shares: shares, packed: true))
        try expectSamePaths(KeySharesMultiResponse(outcomes: [KeySharesOutcome(status: 200, shares: try consecutive(3), packed: true),
                                                              .accepted,
                                                              KeySharesOutcome(status: 200, shares: [], packed: true)]))
        try expectSamePaths(PostKeySharesMultiRequest(masterClientName: "carol", messages: [message, post(try consecutive(1, size: 7, index: 0))]))
        let fetch = FetchKeySharesRequest(clientName: "connie", masterSAEID: "sam", slaveSAEID: "sofia", keyIDs: [UUID(), UUID()], packed: true)
        try expectSamePaths(fetch)
        #expect(text(fetch).hasSuffix(#","packed":true}"#))
        #expect(!text(FetchKeySharesRequest(clientName: "c", masterSAEID: "m", slaveSAEID: "s", keyIDs: [UUID()])).contains("packed"))
        // A quarter of the list form's bytes for 128 keys of 256 bits.
        #expect(WireCoding.encode(message).count * 3 < WireCoding.encode(post(shares, packed: false)).count)
    }

    /// What the packed form cannot carry travels as a list, even when packing was asked for.
    @Test func sharesWithoutAPackedFormTravelAsAList() throws {
        var mixedSizes = try consecutive(2)
        mixedSizes.append(try consecutive(1, size: 16)[0])
        var mixedIndices = try consecutive(2)
        mixedIndices[1] = BatchKeyShare(userKeyID: mixedIndices[1].userKeyID, shareIndex: 3,
                                        encryptionKeyAllocation: mixedIndices[1].encryptionKeyAllocation,
                                        encryptedShareValue: mixedIndices[1].encryptedShareValue)
        // More separate ranges than one allocation may name.
        let scattered = try (0...Allocation.maxFragments).map { _ in
            BatchKeyShare(userKeyID: UUID(), shareIndex: 1, encryptionKeyAllocation: try Allocation(fragments: [try Fragment(blockUUID: UUID(), start: 0, size: 8)]),
                          encryptedShareValue: SecureRandom.bytes(8))
        }
        for shares in [mixedSizes, mixedIndices, scattered] {
            let message = post(shares)
            #expect(message.packed == nil)
            #expect(text(message).contains(#""shares":["#))
            #expect(try WireCoding.decode(PostKeySharesRequest.self, from: WireCoding.encode(message)) == message)
        }
        // Pads in another order still pack: the merged allocation names them in share order.
        let inOrder = try consecutive(3)
        let reordered = post([inOrder[1], inOrder[0], inOrder[2]])
        #expect(reordered.packed?.shares == reordered.shares)
        #expect(try WireCoding.decode(PostKeySharesRequest.self, from: WireCoding.encode(reordered)) == reordered)
        #expect(FetchKeySharesResponse(shares: [], packed: true).packed == nil)
        #expect(text(FetchKeySharesResponse(shares: [], packed: true)) == #"{"shares":[]}"#)
    }

    @Test func malformedPackedFormsAreRefusedOnBothPaths() throws {
        let message = post(try consecutive(4))
        let good = text(message)
        let packed = try #require(message.packed)
        let ids = StrictBase64.encode(PackedShares.keyIDBytes(packed.keyIDs))
        let values = StrictBase64.encode(packed.values)
        let twice = StrictBase64.encode(PackedShares.keyIDBytes([packed.keyIDs[0], packed.keyIDs[0], packed.keyIDs[2], packed.keyIDs[3]]))
        let variants = [
            good.replacingOccurrences(of: ids, with: StrictBase64.encode(PackedShares.keyIDBytes(packed.keyIDs) + [1])),
            good.replacingOccurrences(of: ids, with: twice),
            good.replacingOccurrences(of: ids, with: ""),
            good.replacingOccurrences(of: values, with: StrictBase64.encode(packed.values.dropLast())),
            good.replacingOccurrences(of: values, with: StrictBase64.encode(packed.values + [0, 0, 0, 0])),
            good.replacingOccurrences(of: values, with: "!" + values.dropFirst()),
            good.replacingOccurrences(of: "\"share_index\":2", with: "\"share_index\":999"),
            good.replacingOccurrences(of: "\"packed_shares\":", with: "\"shares\":[],\"packed_shares\":"),
            good.replacingOccurrences(of: "\"packed_shares\":", with: "\"packed_shares\":{},\"x\":"),
            #"{"master_client_name":"carol","master_sae_id":"sam","slave_sae_id":"sofia"}"#,
        ]
        for variant in variants {
            #expect(Array(variant.utf8).withUnsafeBufferPointer { PostKeySharesRequest(directBytes: $0) } == nil, "\(variant)")
            #expect(throws: WireError.self, "\(variant)") { try WireCoding.decode(PostKeySharesRequest.self, from: Array(variant.utf8)) }
        }
        let answer = text(FetchKeySharesResponse(shares: try consecutive(2), packed: true))
        let both = answer.replacingOccurrences(of: "{\"packed_shares\":", with: "{\"shares\":[],\"packed_shares\":")
        #expect(throws: WireError.self) { try WireCoding.decode(FetchKeySharesResponse.self, from: Array(both.utf8)) }
        let badFlag = #"{"client_name":"c","master_sae_id":"m","slave_sae_id":"s","key_ids":["\#(UUID().lowercased)"],"packed":1}"#
        #expect(Array(badFlag.utf8).withUnsafeBufferPointer { FetchKeySharesRequest(directBytes: $0) } == nil)
        #expect(throws: WireError.self) { try WireCoding.decode(FetchKeySharesRequest.self, from: Array(badFlag.utf8)) }
    }

    /// Every prefix and every one-byte change of packed bodies: the fast reader agrees with the
    /// parser and Codable path, or gives up.
    @Test func damagedPackedBodiesNeverReadDifferently() throws {
        let bodies: [[UInt8]] = [WireCoding.encode(post(try consecutive(3, size: 5))),
                                 WireCoding.encode(FetchKeySharesResponse(shares: try consecutive(2, size: 4), packed: true)),
                                 WireCoding.encode(FetchKeySharesRequest(clientName: "c", masterSAEID: "m", slaveSAEID: "s",
                                                                         keyIDs: [UUID()], packed: true))]
        func agree<T: DirectBytesMessage & WireMessage & Equatable>(_ type: T.Type, _ bytes: [UInt8]) {
            guard let fast = bytes.withUnsafeBufferPointer({ T(directBytes: $0) }) else { return }
            #expect(fast == (try? WireCoding.codableDecode(T.self, from: WireCoding.parse(bytes))), "\(String(decoding: bytes, as: UTF8.self))")
        }
        func check(_ kind: Int, _ bytes: [UInt8]) {
            switch kind {
            case 0: agree(PostKeySharesRequest.self, bytes)
            case 1: agree(FetchKeySharesResponse.self, bytes)
            default: agree(FetchKeySharesRequest.self, bytes)
            }
        }
        for (kind, body) in bodies.enumerated() {
            for end in 0..<body.count { check(kind, Array(body[..<end])) }
            for index in body.indices {
                for byte in Array("\"\\{}[],:0 9aA+/=tf-".utf8) + [0x00, 0xC3] {
                    var damaged = body
                    damaged[index] = byte
                    check(kind, damaged)
                }
            }
        }
    }

    @Test func capabilitiesFromHubsThatPredatePackingSayNo() throws {
        let old = try WireCoding.decode(CapabilitiesResponse.self, from: Array(#"{"batch":true,"delete":true,"resume":true,"multi":true}"#.utf8))
        #expect(old.packed == false)
        let now = CapabilitiesResponse(batch: true, delete: true, resume: true, multi: true, packed: true)
        #expect(try WireCoding.decode(CapabilitiesResponse.self, from: WireCoding.encode(now)).packed)
    }
}
