#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// System calls the courier needs, with errno turned into `BundleError.io`.
enum FileIO {
    static func fail(_ operation: String, _ path: String) -> BundleError {
        .io(operation: operation, path: path, errno: errno)
    }

    static func openFile(_ path: String, _ flags: Int32, mode: mode_t = 0o600) throws(BundleError) -> Int32 {
        while true {
            let fd = open(path, flags | O_CLOEXEC, mode)
            if fd >= 0 { return fd }
            if errno != EINTR { throw fail("open", path) }
        }
    }

    /// Writes every byte (retrying short writes and EINTR), at most `piece` bytes per write(2).
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String,
                         piece: Int = Int.max) throws(BundleError) {
        guard var base = bytes.baseAddress else { return }
        var remaining = bytes.count
        while remaining > 0 {
            let n = write(fd, base, min(remaining, piece))
            if n < 0 {
                if errno == EINTR { continue }
                throw fail("write", path)
            }
            base += n
            remaining -= n
        }
    }

    /// Reads until `buffer` is full or the input ends; returns the bytes read.
    static func readFully(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, path: String) throws(BundleError) -> Int {
        guard let base = buffer.baseAddress else { return 0 }
        var done = 0
        while done < buffer.count {
            let n = read(fd, base + done, buffer.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw fail("read", path)
            }
            if n == 0 { break }
            done += n
        }
        return done
    }

    static func sync(_ fd: Int32, path: String) throws(BundleError) {
        if fsync(fd) != 0 { throw fail("fsync", path) }
    }

    static func syncDirectory(_ path: String) throws(BundleError) {
        let fd = try openFile(path, O_RDONLY | O_DIRECTORY)
        defer { close(fd) }
        try sync(fd, path: path)
    }

    /// Overwrites a file with zeros, syncs it and unlinks it, so its PSRD does not linger in
    /// freed disk blocks. A missing file is not an error.
    static func wipeAndUnlink(_ path: String) throws(BundleError) {
        let fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW)
        if fd < 0 {
            if errno == ENOENT { return }
            throw fail("open", path)
        }
        do throws(BundleError) {
            var info = stat()
            if fstat(fd, &info) != 0 { throw fail("stat", path) }
            let size = Int(info.st_size)
            let zeros = [UInt8](repeating: 0, count: min(max(size, 1), 1 << 20))
            var offset = 0
            while offset < size {
                let count = min(zeros.count, size - offset)
                let n = zeros.withUnsafeBytes { pwrite(fd, $0.baseAddress!, count, off_t(offset)) }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw fail("write", path)
                }
                offset += n
            }
            try sync(fd, path: path)
        } catch {
            close(fd)
            unlink(path)
            throw error
        }
        close(fd)
        if unlink(path) != 0 && errno != ENOENT { throw fail("unlink", path) }
    }
}
