#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive flock on `<hub>/courier/keystore.lock`, held while a job reads and rewrites the
/// keystore, so two enrolments at once cannot lose one another. The kernel drops it when the
/// process dies.
final class KeystoreLock {
    private let descriptor: Int32

    init(path: String) throws(JobError) {
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw .failure("cannot open the keystore lock \(path): \(String(cString: strerror(errno)))")
        }
        if flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            close(descriptor)
            if code == EWOULDBLOCK {
                throw .failure("the courier keystore is in use by another psrd-courier (lock \(path)): wait for it to finish")
            }
            throw .failure("cannot lock \(path): \(String(cString: strerror(code)))")
        }
    }

    deinit { close(descriptor) }
}
