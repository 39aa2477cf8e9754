import DSKECore
import Foundation

/// A failure of the durable PSRD store: opening it, adding blocks, recording bundles.
///
/// Messages name files, operations and UUIDs, never PSRD bytes.
public enum StoreError: Error, Equatable, Sendable {
    /// A file-system call failed (`errno` as reported by the system).
    case io(operation: String, path: String, errno: Int32)
    /// SQLite refused or failed a statement.
    case database(String)
    /// Another process (or another store in this one) has the data directory open.
    case locked(directory: String)
    /// The data directory contradicts itself (missing or resized block file, bad row).
    case corrupt(String)
    /// A method was called after `close()`.
    case closed
    /// A block with this UUID is, or was once, in this store.
    case duplicateBlock(UUID)
    /// A bundle with this ID was already imported.
    case duplicateBundle(String)
    /// A caller passed something the store cannot accept (empty block, bad path...).
    case invalidArgument(String)
}

extension StoreError: CustomStringConvertible {
    public var description: String {
        switch self {
        case let .io(operation, path, code):
            return "PSRD store: \(operation) \(path) failed: \(String(cString: strerror(code))) (errno \(code))"
        case .database(let why):
            return "PSRD store database: \(why)"
        case .locked(let directory):
            return "PSRD store \(directory) is in use by another process (or another store object)"
        case .corrupt(let why):
            return "PSRD store is inconsistent: \(why)"
        case .closed:
            return "PSRD store is closed"
        case .duplicateBlock(let uuid):
            return "PSRD block \(uuid.lowercased) was already added to this store"
        case .duplicateBundle(let id):
            return "PSRD bundle \(id) was already imported"
        case .invalidArgument(let why):
            return "PSRD store: \(why)"
        }
    }

    /// The error an allocate or take reports when storage fails under it.
    var asPSRDError: PSRDError { .storage(description) }
}
