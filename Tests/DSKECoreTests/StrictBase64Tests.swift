import Testing
@testable import DSKECore

@Suite struct StrictBase64Tests {
    /// RFC 4648 section 10 test vectors (what Python's b64encode writes).
    @Test(arguments: [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="),
                      ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy")])
    func matchesRFC4648(_ plain: String, _ encoded: String) {
        #expect(StrictBase64.encode(Array(plain.utf8)) == encoded)
        #expect(StrictBase64.decode(encoded) == Array(plain.utf8))
    }

    @Test func roundTripsEveryByteAndLength() {
        for length in 0..<70 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 * 7 + length) }
            #expect(StrictBase64.decode(StrictBase64.encode(bytes)) == bytes)
        }
        let all = (0...255).map { UInt8($0) }
        #expect(StrictBase64.decode(StrictBase64.encode(all)) == all)
        #expect(StrictBase64.encode([0xFB, 0xFF]) == "+/8=")
    }

    @Test(arguments: ["Zg", "Zg=", "Zh==", "Zm9=", "Zg==Zg==", "Zm9v\n", " Zm9v", "Zm9v=", "-_8=", "Zm=v", "=Zm9", "Zg\u{0}="])
    func refusesNonCanonicalText(_ text: String) {
        #expect(StrictBase64.decode(text) == nil)
    }
}
