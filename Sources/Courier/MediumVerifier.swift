#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Reads a bundle back from the medium while it is still being written, and authenticates it
/// completely (`BundleReader`): the read-back of `issue` overlapped with the writing instead of
/// following it.
///
/// The writer reports how far the file is on the device and out of the page cache
/// (`SafeFileWriter.onDurable`); a follower thread reads only that far, from the medium, and
/// feeds the bytes through a pipe to a verifier thread that runs the reader on the pipe's end.
/// A pipe because the reader takes a descriptor it reads to the end; the follower alone knows
/// where the end is for now.
final class MediumVerifier: @unchecked Sendable {
    let path: String
    private let condition = NSCondition()
    private var durable = 0
    private var complete = false
    private var cancelled = false
    private var followerDone = false
    private var verifierDone = false
    private var followerFailure: BundleError?
    private var verifierResult: Result<BundleHeader, BundleError>?

    static let stepSize = 1 << 20

    /// Opens the file for reading and starts both threads; they wait for `advance`.
    init(path: String, key: EnrolmentKey, recipient: BundleRecipient, now: Date) throws(BundleError) {
        self.path = path
        let file = try FileIO.openFile(path, O_RDONLY)
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else {
            let code = errno
            close(file)
            throw .io(operation: "pipe", path: path, errno: code)
        }
        let (readEnd, writeEnd) = (ends[0], ends[1])
        // F_SETPIPE_SZ (1031): a 1 MiB pipe, one step of the follower per write.
        _ = fcntl(writeEnd, 1031, Int32(Self.stepSize))
        Thread { [self] in follow(file: file, pipe: writeEnd) }.start()
        Thread { [self] in verify(pipe: readEnd, key: key, recipient: recipient, now: now) }.start()
    }

    /// The file is on the medium up to `offset`, evicted from the page cache.
    func advance(to offset: Int) {
        condition.lock()
        durable = max(durable, offset)
        condition.broadcast()
        condition.unlock()
    }

    /// The file is complete up to the last `advance`: waits for the verifier and returns the
    /// authenticated header, or why the bundle read back from the medium does not verify.
    func finish() throws(BundleError) -> BundleHeader {
        condition.lock()
        complete = true
        condition.broadcast()
        while !(followerDone && verifierDone) { condition.wait() }
        let follower = followerFailure, verifier = verifierResult
        condition.unlock()
        if let follower { throw follower }
        guard let verifier else { throw .invalidArgument("the verifier ended without a result") }
        return try verifier.get()
    }

    /// Stops both threads (the issue failed); waits for them.
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        while !(followerDone && verifierDone) { condition.wait() }
        condition.unlock()
    }

    private func follow(file: Int32, pipe: Int32) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.stepSize, alignment: 64)
        defer {
            buffer.deallocate()
            close(file)
            // Closing the write end ends the verifier's input: the end of the bundle, or (after a
            // cancel or failure) a truncation the verifier reports and nobody reads.
            close(pipe)
            condition.lock()
            followerDone = true
            condition.broadcast()
            condition.unlock()
        }
        var sent = 0
        while true {
            condition.lock()
            while durable <= sent && !complete && !cancelled { condition.wait() }
            let limit = durable, finished = complete, stop = cancelled
            condition.unlock()
            if stop { return }
            if limit <= sent {
                if finished { return }
                continue
            }
            let count = min(Self.stepSize, limit - sent)
            let n = pread(file, buffer.baseAddress, count, off_t(sent))
            if n < 0 {
                if errno == EINTR { continue }
                fail(.io(operation: "read back", path: path, errno: errno))
                return
            }
            if n == 0 {
                fail(.io(operation: "read back (file shorter than written)", path: path, errno: EIO))
                return
            }
            do {
                try FileIO.writeAll(pipe, UnsafeRawBufferPointer(rebasing: buffer[0..<n]), path: "<verifier pipe>")
            } catch {
                // The verifier stopped reading: it failed, and says why.
                return
            }
            sent += n
        }
    }

    private func fail(_ error: BundleError) {
        condition.lock()
        if followerFailure == nil { followerFailure = error }
        condition.unlock()
    }

    private func verify(pipe: Int32, key: EnrolmentKey, recipient: BundleRecipient, now: Date) {
        let result = Result { () throws(BundleError) -> BundleHeader in
            let reader = try BundleReader(fileDescriptor: pipe, path: path, key: key, recipient: recipient, now: now)
            try reader.verify()
            return reader.header
        }
        // Drain what the follower still sends after a failure, so it never blocks on the pipe.
        if case .failure = result {
            var scratch = [UInt8](repeating: 0, count: 1 << 16)
            while scratch.withUnsafeMutableBytes({ read(pipe, $0.baseAddress, $0.count) }) > 0 {}
        }
        close(pipe)
        condition.lock()
        verifierResult = result
        verifierDone = true
        condition.broadcast()
        condition.unlock()
    }
}
