import Crypto
import Testing
@testable import DSKECore

private func bytes(_ hex: String) -> [UInt8] {
    var result: [UInt8] = []
    var index = hex.startIndex
    while index < hex.endIndex {
        let next = hex.index(index, offsetBy: 2)
        result.append(UInt8(hex[index..<next], radix: 16)!)
        index = next
    }
    return result
}

private func ascii(_ text: String) -> [UInt8] { Array(text.utf8) }

@Suite("Message authenticators")
struct AuthenticatorTests {
    private static let hmac = MessageAuthenticator(kind: .hmacSHA256)
    private static let poly = MessageAuthenticator(kind: .poly1305)
    private static let key: [UInt8] = (0..<32).map { UInt8($0) }

    @Test func kindsUseTheirConfigurationNames() {
        #expect(AuthenticatorKind(rawValue: "hmac-sha256") == .hmacSHA256)
        #expect(AuthenticatorKind(rawValue: "poly1305") == .poly1305)
        #expect(AuthenticatorKind.allCases.count == 2)
    }

    @Test func tagSizes() {
        #expect(Self.hmac.tagSize == 32)
        #expect(Self.poly.tagSize == 16)
        #expect(MessageAuthenticator.keySize == 32)
    }

    // RFC 4231 test cases 1, 2, 3, 4, 6 and 7 (case 5 is a truncated tag).
    private static let rfc4231: [(key: [UInt8], message: [UInt8], tag: String)] = [
        ([UInt8](repeating: 0x0B, count: 20), ascii("Hi There"),
         "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        (ascii("Jefe"), ascii("what do ya want for nothing?"),
         "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        ([UInt8](repeating: 0xAA, count: 20), [UInt8](repeating: 0xDD, count: 50),
         "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
        ((1...25).map { UInt8($0) }, [UInt8](repeating: 0xCD, count: 50),
         "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
        ([UInt8](repeating: 0xAA, count: 131), ascii("Test Using Larger Than Block-Size Key - Hash Key First"),
         "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        ([UInt8](repeating: 0xAA, count: 131),
         ascii("This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm."),
         "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
    ]

    @Test func hmacMatchesRFC4231() {
        for (number, vector) in Self.rfc4231.enumerated() {
            #expect(MessageAuthenticator.hmacSHA256(key: vector.key, parts: [vector.message]) == bytes(vector.tag),
                    "vector \(number)")
        }
    }

    @Test func hmacMatchesSwiftCryptoForEveryKeyLengthAroundTheBlockSize() {
        // Our RFC 2104 construction (faster on short messages) against swift-crypto's HMAC.
        for keyLength in [0, 1, 28, 32, 63, 64, 65, 131] {
            let key = (0..<keyLength).map { UInt8(truncatingIfNeeded: $0 &* 151 &+ 7) }
            for messageLength in [0, 1, 55, 56, 64, 1000] {
                let message = (0..<messageLength).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ keyLength) }
                let oracle = Array(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
                #expect(MessageAuthenticator.hmacSHA256(key: key, parts: [message]) == oracle,
                        "key \(keyLength) bytes, message \(messageLength) bytes")
            }
        }
    }

    @Test func hmacMatchesTheReferenceSignatureComputation() {
        // Python: hmac.new(bytes(range(32)), query + body, hashlib.sha256).hexdigest()
        let query = ascii("client_name=carol&master_sae_id=sam")
        let body = ascii(#"{"share_index":3}"#)
        let expected = bytes("5d48d54093ce4645994deeeda42c42b8e61f3715f7c529c37d3ec9e3c531e127")
        #expect(Self.hmac.tag(key: Self.key, message: [query, body]) == expected)
        #expect(Self.hmac.isValid(tag: expected, key: Self.key, message: [query, body]))
    }

    @Test func poly1305MatchesRFC8439Section2_5_2() {
        let key = bytes("85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b")
        let tag = Self.poly.tag(key: key, message: [ascii("Cryptographic Forum Research Group")])
        #expect(tag == bytes("a8061dc1305136c6c22b8baf0c0127a9"))
    }

    @Test func poly1305MatchesRFC8439AppendixA3Vector1() {
        let tag = Self.poly.tag(key: [UInt8](repeating: 0, count: 32), message: [[UInt8](repeating: 0, count: 64)])
        #expect(tag == [UInt8](repeating: 0, count: 16))
    }

    @Test(arguments: AuthenticatorKind.allCases)
    func tagOverPartsEqualsTagOverTheConcatenation(kind: AuthenticatorKind) {
        let authenticator = MessageAuthenticator(kind: kind)
        let message = (0..<300).map { UInt8(truncatingIfNeeded: $0 * 13) }
        let whole = authenticator.tag(key: Self.key, message: [message])
        #expect(authenticator.tag(key: Self.key, message: [Array(message[..<17]), [], Array(message[17...])]) == whole)
        #expect(authenticator.tag(key: Self.key, message: [[], message]) == whole)
        #expect(authenticator.tag(key: Self.key, message: message.map { [$0] }) == whole)
        #expect(authenticator.tag(key: Self.key, message: []) == authenticator.tag(key: Self.key, message: [[]]))
    }

    @Test(arguments: AuthenticatorKind.allCases)
    func validTagIsAccepted(kind: AuthenticatorKind) {
        let authenticator = MessageAuthenticator(kind: kind)
        let parts = [ascii("a=1"), ascii("{}")]
        let tag = authenticator.tag(key: Self.key, message: parts)
        #expect(tag.count == authenticator.tagSize)
        #expect(authenticator.isValid(tag: tag, key: Self.key, message: parts))
    }

    @Test(arguments: AuthenticatorKind.allCases)
    func anyChangeIsRejected(kind: AuthenticatorKind) {
        let authenticator = MessageAuthenticator(kind: kind)
        let parts = [ascii("a=1"), ascii("{}")]
        let tag = authenticator.tag(key: Self.key, message: parts)

        var otherKey = Self.key
        otherKey[31] ^= 1
        #expect(!authenticator.isValid(tag: tag, key: otherKey, message: parts))
        #expect(!authenticator.isValid(tag: tag, key: Self.key, message: [ascii("a=2"), ascii("{}")]))
        // Moving a byte between the query and the body keeps the concatenation: the reference
        // signs the concatenation, so this is (by design) the same message.
        #expect(authenticator.isValid(tag: tag, key: Self.key, message: [ascii("a="), ascii("1{}")]))
        for position in [0, tag.count / 2, tag.count - 1] {
            var forged = tag
            forged[position] ^= 0x40
            #expect(!authenticator.isValid(tag: forged, key: Self.key, message: parts))
        }
        #expect(!authenticator.isValid(tag: Array(tag.dropLast()), key: Self.key, message: parts))
        #expect(!authenticator.isValid(tag: tag + [0], key: Self.key, message: parts))
        #expect(!authenticator.isValid(tag: [], key: Self.key, message: parts))
        #expect(!authenticator.isValid(tag: tag, key: Array(Self.key.dropLast()), message: parts))
    }

    @Test func theTwoKindsDisagree() {
        let parts = [ascii("same message")]
        #expect(Array(Self.hmac.tag(key: Self.key, message: parts).prefix(16)) != Self.poly.tag(key: Self.key, message: parts))
    }

    @Test func poly1305IsSafeToUseConcurrently() async {
        let expected = bytes("a8061dc1305136c6c22b8baf0c0127a9")
        let key = bytes("85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b")
        let message = ascii("Cryptographic Forum Research Group")
        let results = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<64 {
                group.addTask { Self.poly.tag(key: key, message: [message]) == expected }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.allSatisfy { $0 })
    }
}
