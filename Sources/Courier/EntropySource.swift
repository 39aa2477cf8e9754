/// Where PSRD bytes come from. Implementations: `OSEntropy` (the kernel's CSPRNG) and
/// `CombinedEntropy` (OS randomness combined with a health-tested QRNG). A QRNG alone is never
/// a source: its raw bytes are only ever combined.
public protocol EntropySource {
    /// The bundle header's `entropy` record: sources, combiner, health reports.
    var record: BundleEntropy { get }
    /// Fills the whole buffer, or throws (a failing or stalled QRNG): never a partial fill.
    func fill(_ buffer: UnsafeMutableRawBufferPointer) throws(EntropyError)
}

extension EntropySource {
    public func bytes(_ count: Int) throws(EntropyError) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: count)
        try result.withUnsafeMutableBytes { buffer in Result { () throws(EntropyError) in try fill(buffer) } }.get()
        return result
    }
}
