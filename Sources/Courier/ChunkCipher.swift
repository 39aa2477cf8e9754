import Crypto
import Foundation

/// AES-256-GCM over the payload chunks: nonce = 11-byte big-endian chunk index || 1 flag byte
/// (0x01 on the last chunk only, 0x00 otherwise), no associated data. A chunk therefore opens only
/// at its own position, and only the real last chunk opens as last: reordering, truncation at a
/// chunk boundary and extension all fail.
struct ChunkCipher {
    let key: SymmetricKey
    let chunkCount: Int

    init(fileKey: FileKey, bundleID: UUID, chunkCount: Int) {
        key = fileKey.payloadKey(bundleID: bundleID)
        self.chunkCount = chunkCount
    }

    static func nonceBytes(index: Int, last: Bool) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 12)
        var value = UInt64(index)
        for position in stride(from: 10, through: 3, by: -1) {
            bytes[position] = UInt8(truncatingIfNeeded: value)
            value >>= 8
        }
        bytes[11] = last ? 1 : 0
        return bytes
    }

    private func nonce(_ index: Int) -> AES.GCM.Nonce {
        // Twelve bytes are always a valid GCM nonce.
        try! AES.GCM.Nonce(data: Self.nonceBytes(index: index, last: index == chunkCount - 1))
    }

    /// Seals chunk `index` into `output`: ciphertext (as long as the plaintext), then the tag.
    func seal(_ plaintext: UnsafeRawBufferPointer, index: Int, into output: UnsafeMutableRawBufferPointer) throws(BundleError) {
        precondition(output.count >= plaintext.count + BundleFormat.tagSize)
        let box: AES.GCM.SealedBox
        do {
            box = try AES.GCM.seal(plaintext, using: key, nonce: nonce(index))
        } catch {
            throw .invalidArgument("sealing chunk \(index) failed: \(error)")
        }
        box.ciphertext.withUnsafeBytes { output.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        box.tag.withUnsafeBytes {
            (output.baseAddress! + plaintext.count).copyMemory(from: $0.baseAddress!, byteCount: BundleFormat.tagSize)
        }
    }

    /// Opens chunk `index` (ciphertext then tag); the plaintext only if it authenticates.
    func open(_ sealed: UnsafeRawBufferPointer, index: Int) throws(BundleError) -> Data {
        let length = sealed.count - BundleFormat.tagSize
        do {
            let box = try AES.GCM.SealedBox(nonce: nonce(index), ciphertext: sealed[0..<length],
                                            tag: sealed[length...])
            return try AES.GCM.open(box, using: key)
        } catch {
            throw .tamperedChunk(index: index, count: chunkCount)
        }
    }
}
