#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Crypto
import DSKECore
import Foundation

/// Opens a bundle and streams its payload out, chunk by chunk, in constant memory.
///
/// `init` does everything that needs no payload, in this order: magic line, strict header
/// parse, recipient, stanza for our key, unwrap, header MAC, expiry. `readPayload` then
/// authenticates each chunk before handing its bytes on, and detects a truncated, extended or
/// reordered payload. A sink sees only authenticated chunks, but the bundle as a whole is
/// verified only when `readPayload` returns: stage its bytes, never use them before that.
public final class BundleReader {
    /// Authenticated (the MAC matched) and unexpired.
    public let header: BundleHeader
    /// The file's path, or `<memory>`.
    public let path: String

    private let input: (UnsafeMutableRawBufferPointer) throws(BundleError) -> Int
    private var leftover: [UInt8]
    private let cipher: ChunkCipher
    private var consumed = false
    private var ownedDescriptor: Int32?

    /// Opens the bundle file at `path` for `key`. With `recipient`, refuses a bundle addressed to
    /// another node; `now` decides expiry.
    public convenience init(path: String, key: EnrolmentKey, recipient: BundleRecipient? = nil,
                            now: Date = Date()) throws(BundleError) {
        let fd = try FileIO.openFile(path, O_RDONLY)
        do {
            try self.init(fileDescriptor: fd, path: path, key: key, recipient: recipient, now: now)
        } catch {
            close(fd)
            throw error
        }
        ownedDescriptor = fd
    }

    /// Reads from `fileDescriptor` (not closed by the reader) from its current offset.
    public convenience init(fileDescriptor: Int32, path: String, key: EnrolmentKey, recipient: BundleRecipient? = nil,
                            now: Date = Date()) throws(BundleError) {
        try self.init(path: path, key: key, recipient: recipient, now: now) { (buffer: UnsafeMutableRawBufferPointer) throws(BundleError) in
            try FileIO.readFully(fileDescriptor, into: buffer, path: path)
        }
    }

    /// Opens a bundle held in memory.
    public convenience init(bytes: [UInt8], key: EnrolmentKey, recipient: BundleRecipient? = nil,
                            now: Date = Date()) throws(BundleError) {
        var offset = 0
        try self.init(path: "<memory>", key: key, recipient: recipient, now: now) { (buffer: UnsafeMutableRawBufferPointer) in
            let count = min(buffer.count, bytes.count - offset)
            bytes.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + offset, byteCount: count) }
            offset += count
            return count
        }
    }

    private init(path: String, key: EnrolmentKey, recipient: BundleRecipient?, now: Date,
                 input: @escaping (UnsafeMutableRawBufferPointer) throws(BundleError) -> Int) throws(BundleError) {
        self.path = path
        self.input = input
        let preamble = try Preamble.read(input)
        let header = preamble.header

        if let recipient, recipient != header.recipient {
            throw .wrongRecipient(bundleFor: header.recipient.name, bundleRole: header.recipient.role,
                                  node: recipient.name, nodeRole: recipient.role)
        }
        var fileKey: FileKey?
        var sawOurKey = false
        for case let .enrolmentKey(keyID, nonce, wrappedKey) in header.stanzas where keyID == key.keyID {
            sawOurKey = true
            if let unwrapped = key.unwrap(nonce: nonce, wrappedKey: wrappedKey, bundleID: header.bundleID) {
                fileKey = unwrapped
                break
            }
        }
        guard let fileKey else {
            if sawOurKey { throw .tamperedHeader("the stanza for key \(key.keyID) does not open") }
            throw .wrongKey(keyID: key.keyID, stanzaKeyIDs: header.keyIDs)
        }
        let mac = HMAC<SHA256>.authenticationCode(for: preamble.authenticated, using: fileKey.headerMACKey)
        guard ConstantTime.equals(Array(mac), preamble.mac) else { throw .tamperedHeader("the header MAC does not match") }
        guard now < header.expires else { throw .expired(expires: BundleTime.format(header.expires)) }

        self.header = header
        leftover = preamble.leftover
        cipher = ChunkCipher(fileKey: fileKey, bundleID: header.bundleID, chunkCount: header.chunkCount)
    }

    deinit {
        if let ownedDescriptor { close(ownedDescriptor) }
    }

    /// The header of the bundle at `path` without any key: unauthenticated, for listing.
    public static func peekHeader(path: String) throws(BundleError) -> BundleHeader {
        let fd = try FileIO.openFile(path, O_RDONLY)
        defer { close(fd) }
        return try Preamble.read { (buffer: UnsafeMutableRawBufferPointer) throws(BundleError) in
            try FileIO.readFully(fd, into: buffer, path: path)
        }.header
    }

    /// Decrypts the payload, handing `sink` each authenticated piece with the index of the block
    /// it belongs to, in order. Throws on the first chunk that fails, on a missing final chunk
    /// and on bytes after it. Can run once.
    public func readPayload(_ sink: (_ block: Int, _ bytes: UnsafeRawBufferPointer) throws(BundleError) -> Void) throws(BundleError) {
        guard !consumed else { throw .invalidArgument("the payload of a bundle can be read once") }
        consumed = true
        defer {
            if let ownedDescriptor {
                close(ownedDescriptor)
                self.ownedDescriptor = nil
            }
        }
        let chunkSize = header.chunkSize, total = header.payloadSize, count = cipher.chunkCount
        let sealed = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize + BundleFormat.tagSize, alignment: 16)
        defer { sealed.deallocate() }
        var block = 0
        var blockRemaining = header.blocks[0].size
        for index in 0..<count {
            let length = min(chunkSize, total - index * chunkSize) + BundleFormat.tagSize
            let target = UnsafeMutableRawBufferPointer(rebasing: sealed[0..<length])
            guard try read(into: target) == length else { throw .truncated(complete: index, count: count) }
            var plaintext = try cipher.open(UnsafeRawBufferPointer(target), index: index)
            try plaintext.withUnsafeMutableBytes { bytes in Result { () throws(BundleError) in
                defer { bytes.initializeMemory(as: UInt8.self, repeating: 0) }
                var offset = 0
                while offset < bytes.count {
                    while blockRemaining == 0 {
                        block += 1
                        blockRemaining = header.blocks[block].size
                    }
                    let take = min(blockRemaining, bytes.count - offset)
                    try sink(block, UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + take]))
                    offset += take
                    blockRemaining -= take
                }
            } }.get()
        }
        var extra: UInt8 = 0
        guard try withUnsafeMutableBytes(of: &extra, { byte in Result { () throws(BundleError) in try read(into: byte) } }).get() == 0
        else { throw .trailingData }
    }

    /// Authenticates the whole bundle and discards the plaintext.
    public func verify() throws(BundleError) {
        try readPayload { (_: Int, _: UnsafeRawBufferPointer) throws(BundleError) in }
    }

    /// Every block's bytes, in header order: for small bundles only (tests, smart cards).
    public func readAll() throws(BundleError) -> [[UInt8]] {
        var blocks = header.blocks.map { _ in [UInt8]() }
        try readPayload { (block: Int, bytes: UnsafeRawBufferPointer) throws(BundleError) in blocks[block].append(contentsOf: bytes) }
        return blocks
    }

    /// Fills `buffer` from the leftover of the preamble read, then from the input; fewer bytes
    /// only at the end of the input.
    private func read(into buffer: UnsafeMutableRawBufferPointer) throws(BundleError) -> Int {
        var done = 0
        if !leftover.isEmpty {
            done = min(leftover.count, buffer.count)
            leftover.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: done) }
            leftover.removeFirst(done)
        }
        if done < buffer.count {
            done += try input(UnsafeMutableRawBufferPointer(rebasing: buffer[done...]))
        }
        return done
    }
}
