/// One-time-pad encryption of key shares (the reference's share encryption): ciphertext = data
/// XOR pad. It is perfectly secret only because the pad is PSRD that is never used twice; the
/// pools enforce that, not this function.
public enum OneTimePad {
    /// `apply`, then zeroes the pad's buffer (a pad serves once): the PSRD it held does not stay
    /// in freed heap memory. The caller's array (and any copy sharing its buffer) reads zeros.
    public static func applyAndWipe(pad: [UInt8], to data: [UInt8]) -> [UInt8] {
        defer { SecretBytes.wipe(pad) }
        return apply(pad: pad, to: data)
    }

    /// XORs `data` with `pad`; the same call decrypts. Callers check the lengths first (a pad of
    /// the wrong length is a programming error, so it traps).
    public static func apply(pad: [UInt8], to data: [UInt8]) -> [UInt8] {
        precondition(pad.count == data.count, "one-time pad and data differ in length")
        return [UInt8](unsafeUninitializedCapacity: data.count) { output, initialized in
            pad.withUnsafeBufferPointer { pad in
                data.withUnsafeBufferPointer { data in xor(data, with: pad, into: output) }
            }
            initialized = data.count
        }
    }

    /// `output[i] = data[i] ^ pad[i]` for each byte of `data`: the one loop every use of a pad
    /// goes through, whether a whole message, a column of shares at an offset in a pad, a hub's
    /// shares gathered into one answer, or a posted batch opened into the buffer that holds it.
    /// `pad` and `output` hold at least `data.count` bytes (else it traps).
    public static func xor(_ data: UnsafeBufferPointer<UInt8>, with pad: UnsafeBufferPointer<UInt8>,
                           into output: UnsafeMutableBufferPointer<UInt8>) {
        precondition(pad.count >= data.count && output.count >= data.count, "one-time pad or output shorter than the data")
        for i in 0..<data.count { output[i] = data[i] ^ pad[i] }
    }
}
