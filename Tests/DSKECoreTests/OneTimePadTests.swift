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

    /// A pad serves once: after `applyAndWipe` its buffer, the caller's array included, is zero,
    /// and the result is what `apply` gives.
    @Test func applyAndWipeLeavesNoPadBehind() {
        let data = (0..<64).map { UInt8($0) }
        let pad = SecureRandom.bytes(64)
        let expected = OneTimePad.apply(pad: pad, to: data)
        let sharing = pad
        #expect(OneTimePad.applyAndWipe(pad: pad, to: data) == expected)
        #expect(pad.allSatisfy { $0 == 0 })
        #expect(sharing.allSatisfy { $0 == 0 })
        #expect(data == (0..<64).map { UInt8($0) })
    }

    @Test func secureRandomGivesTheCountAskedForAndFreshBytes() {
        #expect(SecureRandom.bytes(0).isEmpty)
        // Longer than getentropy's 256-byte limit, so the chunking is exercised.
        let long = SecureRandom.bytes(1000)
        #expect(long.count == 1000)
        #expect(Set(long).count > 200)
        #expect(SecureRandom.bytes(32) != SecureRandom.bytes(32))
    }

    /// A PSRD block's worth in few system calls: every part of it must be filled, not just the
    /// first call's share (fresh pages of a large buffer are zero, so a gap would show as one).
    @Test func aLargeRequestIsFilledToTheEnd() {
        let block = SecureRandom.bytes(3 << 20)
        #expect(block.count == 3 << 20)
        for window in stride(from: 0, to: block.count, by: 4096) {
            #expect(Set(block[window..<(window + 4096)]).count > 200, "window at \(window)")
        }
    }

    /// The shared loop writes exactly `data.count` bytes, from the start of the pad and output it
    /// is given: a pad slice at an offset and an output slice leave the rest untouched.
    @Test func theSharedLoopCoversTheDataAndNoMore() {
        let data: [UInt8] = [1, 2, 3, 4], pad: [UInt8] = [9, 9, 0xF0, 0x0F, 0xFF, 0x00, 9]
        var output = [UInt8](repeating: 0xAA, count: 8)
        data.withUnsafeBufferPointer { data in
            pad.withUnsafeBufferPointer { pad in
                output.withUnsafeMutableBufferPointer { output in
                    OneTimePad.xor(data, with: UnsafeBufferPointer(rebasing: pad[2...]),
                                   into: UnsafeMutableBufferPointer(rebasing: output[3...]))
                }
            }
        }
        #expect(output == [0xAA, 0xAA, 0xAA, 0xF1, 0x0D, 0xFC, 0x04, 0xAA])
    }
}
