#if canImport(Darwin)
import Darwin
#else
import Glibc
#endif

/// An exclusive flock on `<dir>/lock`: two stores on one directory would each believe they own
/// the marks and could hand out the same bytes. The kernel drops the lock when the process dies,
/// so a kill -9 never leaves the store locked.
final class DirectoryLock {
    private let fd: Int32

    init(directory: String) throws(StoreError) {
        let path = directory + "/lock"
        fd = try Posix.openFile(path, O_RDWR | O_CREAT)
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            close(fd)
            if code == EWOULDBLOCK { throw .locked(directory: directory) }
            throw .io(operation: "flock", path: path, errno: code)
        }
    }

    deinit { close(fd) }
}
