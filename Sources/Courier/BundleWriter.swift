#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Seals a bundle as a stream: the preamble (magic, header, MAC) at once, then the payload as
/// the caller supplies it, in any slices, sealed chunk by chunk into a reused buffer and written
/// to a file descriptor. Memory stays at one chunk plus one output buffer at any bundle size.
///
/// The final chunk (the only one that opens as last) is written only once the header's
/// `payloadSize` bytes have all been supplied, so a writer abandoned half-way (a failing entropy
/// source, a full disk, a crash) leaves a file that every reader refuses as truncated. The caller
/// owns the descriptor: it writes to a temporary file, and after `finish()` syncs and renames it
/// into place, or on any failure deletes it.
public final class BundleWriter {
    public let header: BundleHeader
    /// Payload bytes accepted so far.
    public private(set) var payloadBytesWritten = 0
    /// Bytes handed to the descriptor so far (preamble included).
    public private(set) var fileBytesWritten = 0

    private let output: (UnsafeRawBufferPointer) throws(BundleError) -> Void
    private let cipher: ChunkCipher
    private let payloadSize: Int
    private var chunkIndex = 0
    /// Plaintext of a chunk assembled from slices that do not fill it at once.
    private var pending: UnsafeMutableRawBufferPointer
    private var pendingCount = 0
    /// Sealed chunks waiting to be written: whole megabytes suit slow media (FUSE FAT) better
    /// than 64 KiB writes.
    private var buffer: UnsafeMutableRawBufferPointer
    private var bufferCount = 0
    private var state = State.open

    private enum State { case open, finished, failed }

    /// Sealed chunks buffered before a write.
    static let outputBufferChunks = 16

    /// Writes the preamble to `fileDescriptor` (which it does not close); `path` names it in errors.
    public convenience init(header: BundleHeader, fileKey: FileKey, fileDescriptor: Int32,
                            path: String) throws(BundleError) {
        try self.init(header: header, fileKey: fileKey) { (bytes: UnsafeRawBufferPointer) throws(BundleError) in
            try FileIO.writeAll(fileDescriptor, bytes, path: path)
        }
    }

    /// Hands every byte of the bundle to `output`, in order.
    public init(header: BundleHeader, fileKey: FileKey,
                output: @escaping (UnsafeRawBufferPointer) throws(BundleError) -> Void) throws(BundleError) {
        self.header = header
        self.output = output
        payloadSize = header.payloadSize
        cipher = ChunkCipher(fileKey: fileKey, bundleID: header.bundleID, chunkCount: header.chunkCount)
        let sealedChunk = header.chunkSize + BundleFormat.tagSize
        pending = .allocate(byteCount: header.chunkSize, alignment: 16)
        buffer = .allocate(byteCount: sealedChunk * Self.outputBufferChunks, alignment: 16)
        let preamble = header.preamble(fileKey: fileKey)
        try preamble.withUnsafeBytes { bytes in Result { () throws(BundleError) in try emit(bytes) } }.get()
    }

    deinit {
        // The buffers held PSRD plaintext and ciphertext: zero before returning them.
        pending.initializeMemory(as: UInt8.self, repeating: 0)
        pending.deallocate()
        buffer.initializeMemory(as: UInt8.self, repeating: 0)
        buffer.deallocate()
    }

    /// Seals a whole bundle in memory (small bundles, test vectors, smart cards).
    public static func seal(header: BundleHeader, fileKey: FileKey, payload: [UInt8]) throws(BundleError) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(header.fileSize)
        let writer = try BundleWriter(header: header, fileKey: fileKey) { (slice: UnsafeRawBufferPointer) throws(BundleError) in
            bytes.append(contentsOf: slice)
        }
        try writer.write(payload)
        try writer.finish()
        return bytes
    }

    public func write(_ bytes: [UInt8]) throws(BundleError) {
        try bytes.withUnsafeBytes { raw in Result { () throws(BundleError) in try write(raw) } }.get()
    }

    /// Appends payload bytes (the blocks' bytes in header order). Refuses more than the header
    /// announces.
    public func write(_ bytes: UnsafeRawBufferPointer) throws(BundleError) {
        guard state == .open else { throw .invalidArgument("bundle writer used after it \(state == .finished ? "finished" : "failed")") }
        guard bytes.count <= payloadSize - payloadBytesWritten else {
            state = .failed
            throw .invalidArgument("payload longer than the \(payloadSize) bytes the header announces")
        }
        do throws(BundleError) {
            var offset = 0
            while offset < bytes.count {
                let chunkLength = min(header.chunkSize, payloadSize - chunkIndex * header.chunkSize)
                let remaining = bytes.count - offset
                if pendingCount == 0 && remaining >= chunkLength {
                    // Seal straight from the caller's memory: no copy for aligned, large writes.
                    try sealChunk(UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + chunkLength]))
                    offset += chunkLength
                    continue
                }
                let take = min(chunkLength - pendingCount, remaining)
                (pending.baseAddress! + pendingCount).copyMemory(from: bytes.baseAddress! + offset, byteCount: take)
                pendingCount += take
                offset += take
                if pendingCount == chunkLength {
                    try sealChunk(UnsafeRawBufferPointer(rebasing: pending[0..<chunkLength]))
                    pendingCount = 0
                }
            }
            payloadBytesWritten += bytes.count
        } catch {
            state = .failed
            throw error
        }
    }

    /// Writes what is buffered. Refuses, and leaves the bundle without its final chunk, when
    /// fewer payload bytes came than the header announces. It neither syncs nor closes the
    /// descriptor: that is the caller's safe-write sequence.
    public func finish() throws(BundleError) {
        guard state == .open else { throw .invalidArgument("bundle writer used after it \(state == .finished ? "finished" : "failed")") }
        guard payloadBytesWritten == payloadSize else {
            state = .failed
            throw .invalidArgument("payload has \(payloadBytesWritten) bytes, the header announces \(payloadSize)")
        }
        do throws(BundleError) {
            try flush()
        } catch {
            state = .failed
            throw error
        }
        state = .finished
    }

    private func sealChunk(_ plaintext: UnsafeRawBufferPointer) throws(BundleError) {
        let sealedLength = plaintext.count + BundleFormat.tagSize
        if buffer.count - bufferCount < sealedLength { try flush() }
        try cipher.seal(plaintext, index: chunkIndex,
                        into: UnsafeMutableRawBufferPointer(rebasing: buffer[bufferCount..<bufferCount + sealedLength]))
        bufferCount += sealedLength
        chunkIndex += 1
        if chunkIndex == cipher.chunkCount { try flush() }
    }

    private func flush() throws(BundleError) {
        guard bufferCount > 0 else { return }
        try emit(UnsafeRawBufferPointer(rebasing: buffer[0..<bufferCount]))
        bufferCount = 0
    }

    private func emit(_ bytes: UnsafeRawBufferPointer) throws(BundleError) {
        try output(bytes)
        fileBytesWritten += bytes.count
    }
}
