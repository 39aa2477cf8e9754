#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes one file so that its final name appears only once every byte is on the medium: a
/// temporary `.<name>.partial` created with O_EXCL, written, fsynced, renamed into place without
/// replacing anything, the directory fsynced, the file system synced. A stick pulled at any
/// moment shows either no file under the final name or the whole file; a failure or `abort()`
/// removes the temporary file.
///
/// The temporary name does not end in `.dskb`, so nothing that lists or imports bundles picks it
/// up even when a crash leaves it behind.
public final class SafeFileWriter {
    public let directory: String
    public let finalPath: String
    public let temporaryPath: String
    public private(set) var bytesWritten = 0
    private let expectedSize: Int?
    private let replacing: Bool
    private var descriptor: Int32
    private var state = State.open
    private var synced = false
    /// Bytes before this offset have had their writeback started.
    private var writebackStarted = 0
    /// Bytes before this offset are on the device and evicted from the page cache
    /// (`onDurable` only).
    private var durable = 0
    /// Told, as the file grows, how far it is on the device and out of the page cache, so a
    /// verifier can read it back from the medium while the rest is still being written. With
    /// it, the writer waits for each step's writeback one step later, which also paces
    /// generation to the medium's speed and keeps the page cache small.
    public var onDurable: ((Int) -> Void)?

    /// How much is written before its writeback is started.
    static let writebackStep = 8 << 20
    /// How far behind the writing `onDurable` trails.
    static let writebackLag = 64 << 20

    private enum State { case open, committed, aborted }

    /// Creates the temporary file. `expectedSize` reserves the space up front where the file
    /// system can (a full medium then fails here, before any work) and checks the free space
    /// where it cannot. Without `replacing`, an existing file of the final name is never
    /// overwritten; with it (files the caller guards by a lock, like the keystore) it is
    /// replaced atomically, and a temporary file a crash left behind is removed first.
    public init(directory: String, name: String, expectedSize: Int? = nil, mode: mode_t = 0o600,
                replacing: Bool = false) throws(MediaError) {
        try Self.checkDirectory(directory)
        self.directory = directory
        self.expectedSize = expectedSize
        self.replacing = replacing
        finalPath = directory + "/" + name
        temporaryPath = directory + "/." + name + ".partial"
        if replacing {
            unlink(temporaryPath)
        } else if access(finalPath, F_OK) == 0 {
            throw .exists(finalPath)
        }
        while true {
            descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
            if descriptor >= 0 { break }
            let code = errno
            if code == EINTR { continue }
            if code == EEXIST {
                throw .io(operation: "create", path: temporaryPath, errno: code)
            }
            throw MediaError.from(errno: code, operation: "create", path: directory, needed: expectedSize)
        }
        if let expectedSize, expectedSize > 0 {
            let code = MediaSystemCalls.reserve(descriptor, length: expectedSize)
            if code == ENOSPC || code == EDQUOT {
                abort()
                throw .noSpace(path: directory, needed: expectedSize, available: Self.freeSpace(directory))
            }
            if code != 0, let free = Self.freeSpace(directory), free < expectedSize {
                abort()
                throw .noSpace(path: directory, needed: expectedSize, available: free)
            }
        }
    }

    deinit {
        if state == .open { abort() }
    }

    /// The open temporary file, for code that writes through a descriptor itself.
    public var fileDescriptor: Int32 { descriptor }

    public func write(_ bytes: UnsafeRawBufferPointer) throws(MediaError) {
        guard state == .open else { throw .io(operation: "write", path: temporaryPath, errno: EBADF) }
        guard var base = bytes.baseAddress else { return }
        var remaining = bytes.count
        while remaining > 0 {
            let n = systemWrite(descriptor, base, remaining)
            if n < 0 {
                if errno == EINTR { continue }
                let code = errno
                abort()
                throw failure(code, "write")
            }
            base += n
            remaining -= n
            bytesWritten += n
            synced = false
        }
        if bytesWritten - writebackStarted >= Self.writebackStep {
            let target = writebackStarted - Self.writebackLag
            if let onDurable, target > durable {
                // That range had several steps' time to reach the device: waiting for it rarely
                // waits, and keeps at most the lag in the page cache.
                let code = MediaSystemCalls.waitForWriteback(descriptor, offset: durable, length: target - durable)
                if code != 0 && code != ENOSYS {
                    abort()
                    throw failure(code, "write")
                }
                if code == 0 {
                    _ = posix_fadvise(descriptor, off_t(durable), off_t(target - durable), POSIX_FADV_DONTNEED)
                    durable = target
                    onDurable(durable)
                }
            }
            MediaSystemCalls.startWriteback(descriptor, offset: writebackStarted, length: bytesWritten - writebackStarted)
            writebackStarted = bytesWritten
        }
    }

    public func write(_ bytes: [UInt8]) throws(MediaError) {
        try bytes.withUnsafeBytes { raw in Result { () throws(MediaError) in try write(raw) } }.get()
    }

    /// Flushes the temporary file to the medium. `dropCache` then evicts its pages, so that a
    /// read-back of `temporaryPath` comes from the medium, not from memory.
    public func sync(dropCache: Bool = false) throws(MediaError) {
        guard state == .open else { throw .io(operation: "fsync", path: temporaryPath, errno: EBADF) }
        if fsync(descriptor) != 0 {
            let code = errno
            abort()
            throw failure(code, "fsync")
        }
        synced = true
        if dropCache {
            _ = posix_fadvise(descriptor, 0, 0, POSIX_FADV_DONTNEED)
            durable = bytesWritten
            onDurable?(durable)
        }
    }

    /// Makes the file durable under its final name (syncing it first unless `sync` just did).
    /// Without `replacing`, an existing file of that name is never overwritten (renameat2
    /// RENAME_NOREPLACE; on file systems that cannot do it, FUSE FAT and exFAT among them, a
    /// check then a rename).
    public func commit() throws(MediaError) {
        if !synced { try sync() }
        guard state == .open else { throw .io(operation: "commit", path: temporaryPath, errno: EBADF) }
        let code = replacing ? (rename(temporaryPath, finalPath) == 0 ? 0 : errno) : renameWithoutReplacing()
        if code != 0 {
            abort()
            if code == EEXIST { throw .exists(finalPath) }
            throw failure(code, "rename")
        }
        // From here the file is in place: a failure below is reported, but the file stays.
        state = .committed
        close(descriptor)
        try Self.syncDirectory(directory)
    }

    /// Closes and deletes the temporary file (it holds ciphertext only: no wipe needed).
    public func abort() {
        guard state == .open else { return }
        state = .aborted
        close(descriptor)
        unlink(temporaryPath)
    }

    private func systemWrite(_ fd: Int32, _ base: UnsafeRawPointer, _ count: Int) -> Int {
        #if canImport(Glibc)
        Glibc.write(fd, base, count)
        #else
        Darwin.write(fd, base, count)
        #endif
    }

    private func renameWithoutReplacing() -> Int32 {
        let code = MediaSystemCalls.renameNoReplace(temporaryPath, finalPath)
        guard code == EINVAL || code == ENOSYS || code == ENOTSUP || code == EOPNOTSUPP else { return code }
        // No atomic no-replace here. The bundle name is a fresh UUID, so a race is only possible
        // with a second issue of the same bundle, which the caller never starts.
        if access(finalPath, F_OK) == 0 { return EEXIST }
        return rename(temporaryPath, finalPath) == 0 ? 0 : errno
    }

    private func failure(_ code: Int32, _ operation: String) -> MediaError {
        if code == ENOSPC || code == EDQUOT {
            return .noSpace(path: directory, needed: expectedSize ?? 0, available: Self.freeSpace(directory))
        }
        return MediaError.from(errno: code, operation: operation, path: code == EROFS ? directory : temporaryPath)
    }

    // MARK: Directory checks

    /// Refuses a missing target, a file, and a read-only file system, before any work.
    public static func checkDirectory(_ directory: String) throws(MediaError) {
        var info = stat()
        guard stat(directory, &info) == 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { throw .missingTarget(directory) }
            throw .io(operation: "stat", path: directory, errno: code)
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else { throw .notADirectory(directory) }
        var fs = statvfs()
        if statvfs(directory, &fs) == 0, fs.f_flag & UInt(ST_RDONLY) != 0 { throw .readOnly(directory) }
        if access(directory, W_OK) != 0 {
            let code = errno
            throw MediaError.from(errno: code, operation: "access", path: directory)
        }
    }

    /// Bytes an unprivileged writer may still use on the file system of `directory`.
    public static func freeSpace(_ directory: String) -> Int? {
        var fs = statvfs()
        guard statvfs(directory, &fs) == 0 else { return nil }
        return Int(fs.f_bavail) * Int(fs.f_frsize)
    }

    /// fsync of the directory (the rename), then of the whole file system (see
    /// `MediaSystemCalls.syncFileSystem`).
    public static func syncDirectory(_ directory: String) throws(MediaError) {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw .io(operation: "open", path: directory, errno: errno) }
        defer { close(fd) }
        // Some FUSE file systems refuse fsync on a directory (EINVAL): syncfs below covers it.
        if fsync(fd) != 0 && errno != EINVAL && errno != ENOSYS {
            throw .io(operation: "fsync", path: directory, errno: errno)
        }
        let code = MediaSystemCalls.syncFileSystem(fd)
        if code != 0 && code != ENOSYS { throw .io(operation: "syncfs", path: directory, errno: code) }
    }
}
