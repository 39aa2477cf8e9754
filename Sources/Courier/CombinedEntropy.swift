import Crypto

/// OS randomness combined with a health-tested QRNG, never the QRNG raw:
///
///     output = getrandom bytes XOR HKDF-Extract-SHA256(salt, 64 raw QRNG bytes) per 32 bytes
///
/// The extraction (HMAC-SHA256 keyed with a random salt, SP 800-90B's vetted conditioning
/// function) compresses 512 raw bits into 256, so the QRNG's share keeps full entropy even if
/// its bytes carry as little as 5 of their nominal 8 bits. The XOR with the independent OS
/// stream keeps the output at least as strong as the OS alone if the QRNG is broken in a way
/// the health tests miss, or hostile (docs/entropy.md).
public final class CombinedEntropy: EntropySource {
    public static let combinerName = "xor(os:getrandom,hkdf-extract-sha256(qrng,64:32))"
    static let rawPerBlock = 64
    static let outputPerBlock = 32

    public let qrng: QRNGDevice
    public let record: BundleEntropy

    private let os = OSEntropy()
    private let extractor: HMAC<SHA256>
    private let raw: UnsafeMutableRawBufferPointer

    /// Runs the QRNG's start-up test: a QRNG that fails it never contributes.
    public init(qrng: QRNGDevice) throws(EntropyError) {
        self.qrng = qrng
        let report = try qrng.startup()
        record = BundleEntropy(sources: [OSEntropy.sourceName, qrng.sourceName], combiner: Self.combinerName,
                               health: [report])
        let salt = try OSEntropy().bytes(32)
        extractor = HMAC<SHA256>(key: SymmetricKey(data: salt))
        raw = .allocate(byteCount: 64 * 1024, alignment: 16)
    }

    deinit {
        raw.initializeMemory(as: UInt8.self, repeating: 0)
        raw.deallocate()
    }

    public func fill(_ buffer: UnsafeMutableRawBufferPointer) throws(EntropyError) {
        try os.fill(buffer)
        var offset = 0
        while offset < buffer.count {
            let blocks = min((buffer.count - offset + Self.outputPerBlock - 1) / Self.outputPerBlock,
                             raw.count / Self.rawPerBlock)
            let rawBatch = UnsafeMutableRawBufferPointer(rebasing: raw[0..<blocks * Self.rawPerBlock])
            try qrng.readRaw(into: rawBatch)
            for block in 0..<blocks {
                var mac = extractor
                mac.update(data: UnsafeRawBufferPointer(
                    rebasing: rawBatch[block * Self.rawPerBlock..<(block + 1) * Self.rawPerBlock]))
                let code = mac.finalize()
                let count = min(Self.outputPerBlock, buffer.count - offset)
                code.withUnsafeBytes { extracted in
                    for i in 0..<count { buffer[offset + i] ^= extracted[i] }
                }
                offset += count
            }
        }
    }
}
