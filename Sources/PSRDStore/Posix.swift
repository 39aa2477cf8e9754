#if canImport(Darwin)
import Darwin
#else
import Glibc
#endif

/// Thin wrappers over the system calls the store needs, turning errno into `StoreError`.
enum Posix {
    /// PSRD blocks pass through a node's memory as buffers of a megabyte or more (the HTTP body,
    /// its base64, the bytes). glibc serves the first such buffer with mmap and then raises its
    /// mmap threshold past that size, so later ones come from the heap and stay there after
    /// they are freed: a client grew by some 50 MB of free heap. A fixed threshold keeps large
    /// buffers in mmap, returned to the system when freed. Once per process.
    static let largeBuffersStayOutOfTheHeap: Void = {
        #if canImport(Glibc)
        // <malloc.h> is not part of the Glibc module: look mallopt up (RTLD_DEFAULT is nil).
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        let mmapThreshold: Int32 = -3  // M_MMAP_THRESHOLD
        if let symbol = dlsym(nil, "mallopt") {
            _ = unsafeBitCast(symbol, to: Mallopt.self)(mmapThreshold, 256 * 1024)
        }
        #endif
    }()

    static func fail(_ operation: String, _ path: String) -> StoreError {
        .io(operation: operation, path: path, errno: errno)
    }

    /// Creates `path` (and missing parents, with default modes) and restricts it to its owner.
    static func makeDirectory(_ path: String) throws(StoreError) {
        if mkdir(path, 0o700) != 0 && errno != EEXIST {
            guard errno == ENOENT, let slash = path.lastIndex(of: "/"), slash != path.startIndex else {
                throw fail("mkdir", path)
            }
            let parent = String(path[..<slash])
            if mkdir(parent, 0o755) != 0 && errno != EEXIST {
                guard errno == ENOENT else { throw fail("mkdir", parent) }
                try makeDirectory(parent)
            }
            if mkdir(path, 0o700) != 0 && errno != EEXIST { throw fail("mkdir", path) }
        }
        // An existing directory keeps whatever mode it had; PSRD must not be readable by others.
        if chmod(path, 0o700) != 0 { throw fail("chmod", path) }
    }

    static func openFile(_ path: String, _ flags: Int32, _ mode: mode_t = 0o600) throws(StoreError) -> Int32 {
        let fd = open(path, flags | O_CLOEXEC, mode)
        if fd < 0 { throw fail("open", path) }
        return fd
    }

    /// Writes every byte (retrying short writes and EINTR), at most `NodeStore.blockWritePiece`
    /// per pwrite(2): every file written here is a block file or one being wiped.
    static func writeAll(_ fd: Int32, _ bytes: ArraySlice<UInt8>, at offset: Int, path: String) throws(StoreError) {
        let failure: Int32? = bytes.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = pwrite(fd, raw.baseAddress! + done, min(raw.count - done, NodeStore.blockWritePiece),
                               off_t(offset + done))
                if n < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                done += n
            }
            return nil
        }
        if let failure { throw .io(operation: "write", path: path, errno: failure) }
    }

    static func syncFile(_ fd: Int32, path: String) throws(StoreError) {
        if fsync(fd) != 0 { throw fail("fsync", path) }
    }

    /// Makes a rename or unlink in `directory` durable.
    static func syncDirectory(_ directory: String) throws(StoreError) {
        let fd = try openFile(directory, O_RDONLY | O_DIRECTORY)
        defer { close(fd) }
        try syncFile(fd, path: directory)
    }

    static func fileSize(_ fd: Int32, path: String) throws(StoreError) -> Int {
        var info = stat()
        if fstat(fd, &info) != 0 { throw fail("stat", path) }
        return Int(info.st_size)
    }

    static func renameFile(_ from: String, _ to: String) throws(StoreError) {
        if rename(from, to) != 0 { throw fail("rename to \(to)", from) }
    }

    /// Overwrites a file with zeros, syncs it, then unlinks it: unlinking alone would leave the
    /// PSRD in the freed disk blocks.
    static func wipeAndUnlink(_ path: String) throws(StoreError) {
        let fd = try openFile(path, O_WRONLY)
        do throws(StoreError) {
            let size = try fileSize(fd, path: path)
            let zeros = [UInt8](repeating: 0, count: min(max(size, 1), 1 << 16))
            var offset = 0
            while offset < size {
                let count = min(zeros.count, size - offset)
                try writeAll(fd, zeros[0..<count], at: offset, path: path)
                offset += count
            }
            try syncFile(fd, path: path)
        } catch {
            close(fd)
            throw error
        }
        close(fd)
        if unlink(path) != 0 && errno != ENOENT { throw fail("unlink", path) }
    }

    /// Creates (or truncates) `path` with mode 0600, writes `bytes` and syncs the file.
    static func writeSynced(_ path: String, _ bytes: [UInt8]) throws(StoreError) {
        let fd = try openFile(path, O_WRONLY | O_CREAT | O_TRUNC)
        defer { close(fd) }
        try writeAll(fd, bytes[...], at: 0, path: path)
        try syncFile(fd, path: path)
    }

    /// Restricts `path` to its owner and syncs it; returns its size.
    static func sealForAdoption(_ path: String) throws(StoreError) -> Int {
        let fd = try openFile(path, O_RDWR)
        defer { close(fd) }
        if fchmod(fd, 0o600) != 0 { throw fail("chmod", path) }
        try syncFile(fd, path: path)
        return try fileSize(fd, path: path)
    }

    static func listDirectory(_ path: String) throws(StoreError) -> [String] {
        guard let dir = opendir(path) else { throw fail("opendir", path) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}
