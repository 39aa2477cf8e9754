#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a bundle could not be put on (or taken off) a medium, or a courier file kept.
///
/// Each message is one line that says what is wrong and what the operator can do about it.
public enum MediaError: Error, Equatable, Sendable {
    /// The target directory does not exist (stick not inserted or not mounted).
    case missingTarget(String)
    case notADirectory(String)
    /// The file system is mounted read-only, or the stick's write-protect switch is on.
    case readOnly(String)
    /// Not enough free space for a file of `needed` bytes.
    case noSpace(path: String, needed: Int, available: Int?)
    /// The target is not on removable media (and the caller did not allow any target).
    case notRemovable(path: String, reason: String)
    /// A file with the final name is already there.
    case exists(String)
    /// A key file, keystore or other courier file breaks its format.
    case malformed(path: String, reason: String)
    /// A system call failed (`errno` as the system reported it).
    case io(operation: String, path: String, errno: Int32)

    /// Turns an errno from writing under `path` into the case an operator can act on.
    static func from(errno code: Int32, operation: String, path: String, needed: Int? = nil) -> MediaError {
        switch code {
        case EROFS: return .readOnly(path)
        case ENOSPC, EDQUOT: return .noSpace(path: path, needed: needed ?? 0, available: nil)
        case ENOENT where operation == "open" || operation == "create": return .missingTarget(path)
        default: return .io(operation: operation, path: path, errno: code)
        }
    }
}

extension MediaError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .missingTarget(let path):
            return "\(path) does not exist: insert and mount the medium, or check the path"
        case .notADirectory(let path):
            return "\(path) is not a directory: give the mount point of the medium"
        case .readOnly(let path):
            return "\(path) is read-only: remount it read-write (or slide the stick's write-protect switch off)"
        case let .noSpace(path, needed, available):
            let free = available.map { ", \(ByteCount.format($0)) free" } ?? ""
            let need = needed > 0 ? " (needs \(ByteCount.format(needed))\(free))" : ""
            return "not enough space on \(path)\(need): free some space, use a larger medium or a smaller --size"
        case let .notRemovable(path, reason):
            return "\(path) is not on removable media (\(reason)): use a USB stick, or --allow-any-target for a test image"
        case .exists(let path):
            return "\(path) already exists: it was not overwritten"
        case let .malformed(path, reason):
            return "\(path): \(reason)"
        case let .io(operation, path, code):
            return "\(operation) \(path) failed: \(String(cString: strerror(code))) (errno \(code))"
        }
    }
}
