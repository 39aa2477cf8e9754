#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Linux calls the safe-write sequence needs that Swift's Glibc module does not export (they sit
/// behind `_GNU_SOURCE`): looked up once in libc. Absent (another libc, another system), each
/// reports ENOSYS and the caller falls back to the portable way.
enum MediaSystemCalls {
    private typealias Renameat2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
    private typealias Syncfs = @convention(c) (Int32) -> Int32
    private typealias Fallocate = @convention(c) (Int32, Int32, Int, Int) -> Int32
    private typealias SyncFileRange = @convention(c) (Int32, Int, Int, UInt32) -> Int32

    static let renameNoReplace: UInt32 = 1

    private static let renameat2Function = lookup("renameat2", as: Renameat2.self)
    private static let syncfsFunction = lookup("syncfs", as: Syncfs.self)
    private static let fallocateFunction = lookup("fallocate", as: Fallocate.self)
    private static let syncFileRangeFunction = lookup("sync_file_range", as: SyncFileRange.self)

    private static func lookup<F>(_ name: String, as type: F.Type) -> F? {
        // RTLD_DEFAULT (a null handle): the symbol as the process's libraries export it.
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else { return nil }
        return unsafeBitCast(symbol, to: type)
    }

    /// renameat2(old, new, RENAME_NOREPLACE): fails with EEXIST instead of replacing `new`.
    /// Returns 0 or an errno (EINVAL where the file system cannot do it, e.g. FUSE FAT).
    static func renameNoReplace(_ old: String, _ new: String) -> Int32 {
        guard let renameat2Function else { return ENOSYS }
        return renameat2Function(AT_FDCWD, old, AT_FDCWD, new, renameNoReplace) == 0 ? 0 : errno
    }

    /// Flushes the whole file system holding `fd`: on FUSE and USB sticks an fsync of the file
    /// and its directory does not always reach the device's own cache. Returns 0 or an errno.
    static func syncFileSystem(_ fd: Int32) -> Int32 {
        guard let syncfsFunction else {
            sync()
            return 0
        }
        return syncfsFunction(fd) == 0 ? 0 : errno
    }

    /// FALLOC_FL_KEEP_SIZE: reserve the blocks but leave the file's length at what was written,
    /// so a file cut short still looks cut short.
    private static let keepSize: Int32 = 1

    /// Reserves `length` bytes for `fd` so a full medium fails at once, not after gigabytes of
    /// work. Returns 0 or an errno (EOPNOTSUPP where the file system cannot reserve).
    static func reserve(_ fd: Int32, length: Int) -> Int32 {
        guard let fallocateFunction else { return ENOSYS }
        while true {
            if fallocateFunction(fd, keepSize, 0, length) == 0 { return 0 }
            if errno != EINTR { return errno }
        }
    }

    /// SYNC_FILE_RANGE_WRITE: start writing the range's dirty pages back, without waiting.
    private static let startWrite: UInt32 = 2

    /// Starts writeback of a range already written, so the device works while the next bytes
    /// are generated and the final fsync waits for little. Best effort: failures are ignored
    /// (the fsync that follows reports any real error).
    static func startWriteback(_ fd: Int32, offset: Int, length: Int) {
        guard let syncFileRangeFunction else { return }
        _ = syncFileRangeFunction(fd, offset, length, startWrite)
    }

    /// SYNC_FILE_RANGE_WAIT_BEFORE | WRITE | WAIT_AFTER: the range's data is on the device when
    /// this returns (not its metadata, nor the device's own cache: the final fsync covers those).
    private static let writeAndWait: UInt32 = 1 | 2 | 4

    /// Waits until a range is written to the device. Returns 0 or an errno; ENOSYS where the
    /// call does not exist (callers then rely on the final fsync alone).
    static func waitForWriteback(_ fd: Int32, offset: Int, length: Int) -> Int32 {
        guard let syncFileRangeFunction else { return ENOSYS }
        while true {
            if syncFileRangeFunction(fd, offset, length, writeAndWait) == 0 { return 0 }
            if errno != EINTR { return errno }
        }
    }
}
