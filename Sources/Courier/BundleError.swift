#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import DSKECore
import Foundation
import PSRDStore

/// Why a bundle could not be written, opened, verified or staged.
///
/// Every message is one line that says what is wrong; none carries key or PSRD bytes.
public enum BundleError: Error, Equatable, Sendable {
    /// The file does not start with a bundle magic line.
    case notABundle
    /// A bundle of another format version (the magic line's version).
    case unsupportedVersion(String)
    /// The header (or the key file's or the writer's header fields) breaks the format's rules.
    case malformedHeader(String)
    /// The bundle is addressed to another node.
    case wrongRecipient(bundleFor: String, bundleRole: PoolOwner, node: String, nodeRole: PoolOwner)
    /// No stanza was made for this key.
    case wrongKey(keyID: String, stanzaKeyIDs: [String])
    /// The header was altered: its MAC does not match, or the stanza for our key does not open.
    case tamperedHeader(String)
    case expired(expires: String)
    /// Chunk `index` (0-based) of `count` failed authentication: altered, reordered or moved.
    case tamperedChunk(index: Int, count: Int)
    /// The file ends before the final chunk: `complete` whole chunks of `count` were present.
    case truncated(complete: Int, count: Int)
    /// Bytes follow the final chunk.
    case trailingData
    /// A block of the bundle is, or was, in the node's store.
    case replayedBlock(UUID)
    case keyFile(path: String, reason: String)
    /// A system call failed (`errno` as the system reported it).
    case io(operation: String, path: String, errno: Int32)
    /// A caller broke the API's contract (wrong payload length, writer used after a failure...).
    case invalidArgument(String)
    /// The node's store refused something (replayed bundle ID, full disk...).
    case store(StoreError)
}

extension BundleError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .notABundle:
            return "not a PSRD bundle (no '\(BundleFormat.magic.dropLast())' line at the start)"
        case .unsupportedVersion(let version):
            return "unsupported bundle version '\(version)': this psrd-courier reads v1 only"
        case .malformedHeader(let why):
            return "malformed bundle header: \(why)"
        case let .wrongRecipient(bundleFor, bundleRole, node, nodeRole):
            return "wrong recipient: the bundle is for \(bundleRole.rawValue) \(bundleFor), not \(nodeRole.rawValue) \(node)"
        case let .wrongKey(keyID, stanzaKeyIDs):
            return "wrong key: no stanza opens with key \(keyID) (the bundle is for key \(stanzaKeyIDs.joined(separator: ", ")))"
        case .tamperedHeader(let why):
            return "tampered header: \(why)"
        case .expired(let expires):
            return "expired bundle: it expired at \(expires)"
        case let .tamperedChunk(index, count):
            return "tampered payload: chunk \(index) of \(count) fails authentication"
        case let .truncated(complete, count):
            return "truncated bundle (no final chunk): it ends after \(complete) of \(count) chunks"
        case .trailingData:
            return "trailing data after the final chunk"
        case .replayedBlock(let uuid):
            return "replayed bundle: block \(uuid.lowercased) was imported before"
        case let .keyFile(path, reason):
            return "key file \(path): \(reason)"
        case let .io(operation, path, code):
            return "\(operation) \(path) failed: \(String(cString: strerror(code))) (errno \(code))"
        case .invalidArgument(let why):
            return why
        case .store(let error):
            return error.description
        }
    }
}
