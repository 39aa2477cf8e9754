import Foundation
import Testing
@testable import DSKECore

/// Deterministic fuzzing of every parser that reads network input. Each parser gets random bytes
/// and mutations of valid inputs; it must not crash, must either refuse with its typed error (one
/// line of text) or return a value, and a returned value must survive a round trip. The canonical
/// text parsers must even reproduce their input exactly, since they accept one spelling only.
@Suite struct ParserFuzzTests {
    static let iterations = 1500

    // MARK: generators

    /// SplitMix64: tiny, fast, and the same sequence on every platform.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Fragments of text that tend to break parsers.
    static let tokens: [String] = [
        "0", "-1", "-0", "1.0", "1e999", "-1e-999", "99999999999999999999999", "9223372036854775807",
        "9223372036854775808", "-9223372036854775808", "18446744073709551616", "NaN", "Infinity",
        "null", "true", "false", "\"\"", "[]", "{}", ",", ":", "%", ";", "\"", "\\", "\\u0000", "\\ud800",
        "\\u00e9", "é", "😀", "\u{202E}", "\u{0}", "\n", " ", "=", "==", "+", "/", "-", "_",
        "b6ed2299-ba1e-4947-8c30-07aec0247518", "B6ED2299-BA1E-4947-8C30-07AEC0247518",
        String(repeating: "[", count: 70), String(repeating: "{\"a\":", count: 70), String(repeating: "9", count: 120),
        "AAAA", "AA==", "////", "\"fragments\"", "\"block_uuid\"", "\"start\"", "\"size\"", "\"keys\"", "\"key_ID\"",
    ]

    static func mutate(_ input: [UInt8], _ rng: inout SeededGenerator) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            let position = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &rng)
            switch Int.random(in: 0..<8, using: &rng) {
            case 0 where !bytes.isEmpty:  // flip a bit
                bytes[position] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &rng)
            case 1 where !bytes.isEmpty:  // replace a byte
                bytes[position] = UInt8.random(in: 0...255, using: &rng)
            case 2:  // truncate
                bytes = Array(bytes.prefix(position))
            case 3 where !bytes.isEmpty:  // delete a run
                let end = min(bytes.count, position + Int.random(in: 1...8, using: &rng))
                bytes.removeSubrange(position..<end)
            case 4:  // insert a token
                bytes.insert(contentsOf: Array(tokens.randomElement(using: &rng)!.utf8), at: position)
            case 5 where !bytes.isEmpty:  // duplicate a run
                let end = min(bytes.count, position + Int.random(in: 1...16, using: &rng))
                bytes.insert(contentsOf: bytes[position..<end], at: position)
            case 6:  // replace the digits run at a position with a huge or negative number
                var end = position
                while end < bytes.count, (0x30...0x39).contains(bytes[end]) { end += 1 }
                let number = ["-1", "-0", "99999999999999999999999", "9223372036854775807", "00", "1e3"].randomElement(using: &rng)!
                bytes.replaceSubrange(position..<end, with: Array(number.utf8))
            default:  // insert random bytes
                bytes.insert(contentsOf: (0..<Int.random(in: 1...4, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) },
                             at: position)
            }
        }
        return bytes
    }

    static func randomBytes(_ rng: inout SeededGenerator) -> [UInt8] {
        (0..<Int.random(in: 0...64, using: &rng)).map { _ in
            // Mostly printable ASCII, so the random inputs get past the first byte now and then.
            Bool.random(using: &rng) ? UInt8.random(in: 0x20...0x7E, using: &rng) : UInt8.random(in: 0...255, using: &rng)
        }
    }

    /// Random inputs: half mutations of a valid sample, a quarter random tokens, a quarter bytes.
    static func inputs(_ samples: [String], seed: UInt64, count: Int = iterations) -> [[UInt8]] {
        var rng = SeededGenerator(seed: seed)
        return (0..<count).map { index in
            switch index % 4 {
            case 0: return randomBytes(&rng)
            case 1: return Array((0..<Int.random(in: 1...6, using: &rng)).map { _ in tokens.randomElement(using: &rng)! }.joined().utf8)
            default: return mutate(Array(samples.randomElement(using: &rng)!.utf8), &rng)
            }
        }
    }

    static func randomJSON(_ rng: inout SeededGenerator, depth: Int = 0) -> JSONValue {
        switch Int.random(in: 0..<(depth > 3 ? 4 : 7), using: &rng) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &rng))
        case 2: return .number(JSONNumber(Int.random(in: Int.min...Int.max, using: &rng)))
        case 3:
            let scalars = (0..<Int.random(in: 0...8, using: &rng)).map { _ in
                Character(Unicode.Scalar(UInt32.random(in: 0...0x2FF, using: &rng)) ?? "x")
            }
            return .string(String(scalars) + (Bool.random(using: &rng) ? "😀\"\\/" : ""))
        case 4: return .number(JSONNumber(Double.random(in: -1e10...1e10, using: &rng))!)
        case 5: return .array((0..<Int.random(in: 0...4, using: &rng)).map { _ in randomJSON(&rng, depth: depth + 1) })
        default:
            var object = JSONObject()
            for index in 0..<Int.random(in: 0...4, using: &rng) { object["k\(index)\u{e9}"] = randomJSON(&rng, depth: depth + 1) }
            return .object(object)
        }
    }

    // MARK: canonical text parsers

    static let uuidA = "b6ed2299-ba1e-4947-8c30-07aec0247518"
    static let uuidB = "0e7c4f6a-3b7f-4c1e-9d2a-5f8e1b2c3d4e"

    @Test func fragmentText() {
        let samples = ["\(Self.uuidA):16:32", "\(Self.uuidB):0:1", "\(Self.uuidA):999999999999999999:1"]
        var accepted = 0
        for input in Self.inputs(samples, seed: 1) {
            let text = String(decoding: input, as: UTF8.self)
            do {
                let fragment = try Fragment(encoded: Substring(text))
                #expect(fragment.encoded == text, "accepted a non-canonical spelling: \(text.debugDescription)")
                #expect(fragment.size > 0 && fragment.start >= 0 && fragment.end > fragment.start)
                accepted += 1
            } catch {
                #expect(!error.description.contains("\n"))
            }
        }
        #expect(accepted > 0)
    }

    @Test func allocationText() {
        let samples = ["\(Self.uuidA):16:32", "\(Self.uuidA):0:16,\(Self.uuidB):0:16,\(Self.uuidA):16:4"]
        var accepted = 0
        for input in Self.inputs(samples, seed: 2) {
            let text = String(decoding: input, as: UTF8.self)
            do {
                let allocation = try Allocation(encoded: text)
                #expect(allocation.encoded == text, "accepted a non-canonical spelling: \(text.debugDescription)")
                #expect(allocation.size > 0)
                accepted += 1
            } catch {
                #expect(!error.description.contains("\n"))
            }
        }
        #expect(accepted > 0)
    }

    @Test func signatureHeader() {
        let samples = ["\(Self.uuidA):16:32%dbCcXZLz3shLzMxwKgdDbJt6fq1nhrY2R6+xPBItpIk=",
                       "\(Self.uuidA):0:16,\(Self.uuidB):5:16;AAECAwQFBgcICQoLDA0ODw=="]
        var accepted = 0
        for input in Self.inputs(samples, seed: 3) {
            let text = String(decoding: input, as: UTF8.self)
            do {
                let signature = try DSKESignature(headerValue: text)
                let canonical = text.replacingOccurrences(of: ";", with: "%")
                #expect(signature.headerValue == canonical, "accepted a non-canonical spelling: \(text.debugDescription)")
                #expect(try DSKESignature(headerValue: signature.headerValue) == signature)
                accepted += 1
            } catch {
                #expect(!error.description.contains("\n"))
            }
        }
        #expect(accepted > 0)
    }

    @Test func base64() {
        var rng = SeededGenerator(seed: 4)
        for _ in 0..<Self.iterations {
            let bytes = (0..<Int.random(in: 0...40, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let text = StrictBase64.encode(bytes)
            #expect(StrictBase64.decode(text) == bytes)
            let mutated = String(decoding: Self.mutate(Array(text.utf8), &rng), as: UTF8.self)
            if let decoded = StrictBase64.decode(mutated) {
                #expect(StrictBase64.encode(decoded) == mutated, "accepted a non-canonical spelling: \(mutated.debugDescription)")
            }
        }
    }

    // MARK: JSON

    @Test func jsonValuesRoundTripThroughWriterAndParser() throws {
        var rng = SeededGenerator(seed: 5)
        for _ in 0..<Self.iterations {
            let value = Self.randomJSON(&rng)
            let bytes = WireCoding.encode(value)
            #expect(try WireCoding.parse(bytes) == value)
            #expect(try WireCoding.decode(JSONValue.self, from: bytes) == value)
        }
    }

    @Test func jsonParserOnHostileBytes() throws {
        var rng = SeededGenerator(seed: 6)
        var samples: [String] = []
        for _ in 0..<20 { samples.append(String(decoding: WireCoding.encode(Self.randomJSON(&rng)), as: UTF8.self)) }
        for input in Self.inputs(samples, seed: 7, count: Self.iterations * 2) {
            do {
                let value = try WireCoding.parse(input)
                // Whatever was accepted re-encodes to text the parser reads back the same.
                #expect(try WireCoding.parse(WireCoding.encode(value)) == value)
            } catch {
                #expect(!error.description.contains("\n"))
            }
        }
    }

    /// Feeds one message type: valid decodes must re-encode and decode to the same value.
    func fuzz<T: WireMessage & Equatable>(_ type: T.Type, samples: [T], seed: UInt64) throws {
        let texts = samples.map { String(decoding: WireCoding.encode($0), as: UTF8.self) }
        for text in texts { #expect(try WireCoding.decode(type, from: Array(text.utf8)) == samples[texts.firstIndex(of: text)!]) }
        var accepted = 0
        for input in Self.inputs(texts, seed: seed) {
            do {
                let value = try WireCoding.decode(type, from: input)
                let again = try WireCoding.decode(type, from: WireCoding.encode(value))
                #expect(again == value, "round trip changed \(T.self) from \(String(decoding: input, as: UTF8.self).debugDescription)")
                accepted += 1
            } catch {
                #expect(!error.description.isEmpty && !error.description.contains("\n"))
            }
        }
        #expect(accepted > 0, "no mutation of \(T.self) was accepted: the fuzzer is not reaching the decoder")
    }

    func allocation() throws -> Allocation {
        try Allocation(encoded: "\(Self.uuidA):16:4,\(Self.uuidB):0:2")
    }

    @Test func allocationJSON() throws {
        try fuzz(Allocation.self, samples: [try allocation(), try Allocation(encoded: "\(Self.uuidA):0:1")], seed: 10)
    }

    @Test func referenceMessages() throws {
        try fuzz(RegistrationRequest.self, samples: [RegistrationRequest(clientName: "carol", encryptorNames: ["sam"]),
                                                     RegistrationRequest(clientName: "cindy", encryptorNames: [])], seed: 11)
        try fuzz(RegistrationResponse.self, samples: [RegistrationResponse(hubName: "hank")], seed: 12)
        try fuzz(PSRDBlockResponse.self, samples: [PSRDBlockResponse(blockUUID: UUID(uuidString: Self.uuidA)!, data: Array(0..<40))],
                 seed: 13)
        let key = UUID(uuidString: "4f1b0a57-8f2d-4c8e-a1b2-c3d4e5f60718")!
        try fuzz(PostKeyShareRequest.self, samples: [
            PostKeyShareRequest(masterClientName: "carol", masterSAEID: "sam", slaveSAEID: "sofia", userKeyID: key,
                                shareIndex: 2, encryptionKeyAllocation: try allocation(), encryptedShareValue: [1, 2, 3, 4, 5, 6]),
        ], seed: 14)
        try fuzz(GetKeyShareResponse.self, samples: [
            GetKeyShareResponse(shareIndex: 0, encryptionKeyAllocation: try allocation(), encryptedShareValue: [9, 9, 9, 9, 9, 9]),
        ], seed: 15)
        try fuzz(ErrorResponse.self, samples: [ErrorResponse(message: "Client is not registered.", details: ["client_name": "carol"]),
                                               ErrorResponse(message: "x", details: ["a": [1, nil, ["b": false]]])], seed: 16)
    }

    @Test func etsiMessages() throws {
        let id = UUID(uuidString: "bc490419-7d60-487f-adc1-4ddcc177c139")!
        try fuzz(ETSIStatus.self, samples: [
            ETSIStatus(sourceKMEID: "carol", targetKMEID: "connie", masterSAEID: "sam", slaveSAEID: "sofia", keySize: 256,
                       storedKeyCount: 5, maxKeyCount: 100, maxKeyPerRequest: 128, maxKeySize: 16_777_216, minKeySize: 32,
                       maxSAEIDCount: 0, statusExtension: ["x": [1, 2]]),
        ], seed: 20)
        try fuzz(ETSIKeyRequest.self, samples: [ETSIKeyRequest(), ETSIKeyRequest(number: 2, size: 256, additionalSlaveSAEIDs: ["a"],
                                                                                  extensionMandatory: [["k": "v"]], extensionOptional: [[:]])],
                 seed: 21)
        try fuzz(ETSIKeyContainer.self, samples: [ETSIKeyContainer(keys: [ETSIKey(keyID: id, key: Array(0..<32), keyExtension: ["e": 1])],
                                                                   keyContainerExtension: ["c": "d"])], seed: 22)
        try fuzz(ETSIKeyIDs.self, samples: [ETSIKeyIDs(keyIDs: [ETSIKeyID(keyID: id), ETSIKeyID(keyID: id, keyIDExtension: ["i": true])])],
                 seed: 23)
        try fuzz(ETSIErrorResponse.self, samples: [ETSIErrorResponse(message: "m", details: [["a": 1]]), ETSIErrorResponse(message: "n")],
                 seed: 24)
    }

    /// Any parsed JSON value fed to any message type: the decoder must refuse shapes it does not
    /// expect without trapping (missing members, wrong types, nulls, huge numbers).
    @Test func arbitraryJSONAgainstEveryMessage() {
        var rng = SeededGenerator(seed: 30)
        for _ in 0..<(Self.iterations / 3) {
            let value = Self.randomJSON(&rng)
            _ = try? WireCoding.decode(PostKeyShareRequest.self, from: value)
            _ = try? WireCoding.decode(GetKeyShareResponse.self, from: value)
            _ = try? WireCoding.decode(ETSIStatus.self, from: value)
            _ = try? WireCoding.decode(ETSIKeyRequest.self, from: value)
            _ = try? WireCoding.decode(ETSIKeyContainer.self, from: value)
            _ = try? WireCoding.decode(ErrorResponse.self, from: value)
            _ = try? WireCoding.decode(Allocation.self, from: value)
        }
    }
}
