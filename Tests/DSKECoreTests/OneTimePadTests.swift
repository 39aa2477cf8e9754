import Testing
import DSKECore

@Suite("One-time pad")
struct OneTimePadTests {
    @Test func encryptsByXOR() {
        #expect(OneTimePad.apply(pad: [0xFF, 0x0F, 0x00], to: [0x12, 0x34, 0x56]) == [0xED, 0x3B, 0x56])
        #expect(OneTimePad.apply(pad: [], to: []) == [])
    }

    @Test func applyingThePadTwiceRestoresTheData() {
        let data = (0..<100).map { UInt8($0) }
        let pad = SecureRandom.bytes(100)
        let ciphertext = OneTimePad.apply(pad: pad, to: data)
        #expect(ciphertext != data)
        #expect(OneTimePad.apply(pad: pad, to: ciphertext) == data)
    }

    @Test func secureRandomGivesTheCountAskedForAndFreshBytes() {
        #expect(SecureRandom.bytes(0).isEmpty)
        // Longer than getentropy's 256-byte limit, so the chunking is exercised.
        let long = SecureRandom.bytes(1000)
        #expect(long.count == 1000)
        #expect(Set(long).count > 200)
        #expect(SecureRandom.bytes(32) != SecureRandom.bytes(32))
    }
}
