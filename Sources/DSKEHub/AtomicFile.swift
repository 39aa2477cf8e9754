#if canImport(Darwin)
import Darwin
#else
import Glibc
#endif

/// Small files replaced atomically and durably: written to a temporary name, fsynced, renamed
/// over the old one, then the directory fsynced. A crash at any point leaves either the old or the
/// new contents, never a torn file.
enum AtomicFile {
    struct Failure: Error, CustomStringConvertible {
        let operation: String
        let path: String
        let code: Int32
        var description: String { "\(operation) \(path) failed: \(String(cString: strerror(code))) (errno \(code))" }
    }

    /// The file's bytes, or nil when it does not exist.
    static func load(_ path: String) throws(Failure) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw Failure(operation: "open", path: path, code: errno)
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure(operation: "read", path: path, code: errno)
            }
            if n == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<n])
        }
    }

    static func store(_ bytes: [UInt8], to path: String) throws(Failure) {
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        if fd < 0 { throw Failure(operation: "open", path: temporary, code: errno) }
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + done, $0.count - done) }
            if n < 0 {
                if errno == EINTR { continue }
                let code = errno
                close(fd)
                throw Failure(operation: "write", path: temporary, code: code)
            }
            done += n
        }
        if fsync(fd) != 0 {
            let code = errno
            close(fd)
            throw Failure(operation: "fsync", path: temporary, code: code)
        }
        close(fd)
        if rename(temporary, path) != 0 { throw Failure(operation: "rename", path: temporary, code: errno) }
        let directory = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        let dirFD = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dirFD < 0 { throw Failure(operation: "open", path: directory, code: errno) }
        defer { close(dirFD) }
        if fsync(dirFD) != 0 { throw Failure(operation: "fsync", path: directory, code: errno) }
    }
}
