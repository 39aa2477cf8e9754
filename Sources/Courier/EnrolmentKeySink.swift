#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Where `EnrolmentJob` puts a client's new enrolment key: a 0600 key file
/// (`EnrolmentKeyFileSink`) or the client's smart card (psrd-courier's card sink). The job is the
/// same for both: check the sink, check the keystore, store the key, record the client, and
/// take the key back if the keystore refuses.
public protocol EnrolmentKeySink {
    /// Where the key goes, for messages: a path, or a card in a reader.
    var destination: String { get }
    /// Refuses before a key is generated or the keystore touched (an existing key file, a card
    /// already enrolled).
    func check(force: Bool) throws(JobError)
    /// Stores `key`, the enrolment key of `client` at `hub`.
    func store(_ key: EnrolmentKey, client: String, hub: String, force: Bool) throws(JobError)
    /// Takes a stored key back after the keystore refused the enrolment (best effort).
    func withdraw()
}

/// The key-file form: one line `dske-enrolment-key/v1 <client> <base64 key>`, mode 0600.
public struct EnrolmentKeyFileSink: EnrolmentKeySink {
    /// Absolute path of the key file.
    public let path: String

    public init(path: String) { self.path = path }

    public var destination: String { path }

    public func check(force: Bool) throws(JobError) {
        if !force && access(path, F_OK) == 0 {
            throw .failure("key file \(path) already exists: it was not overwritten (use --force to replace it)")
        }
    }

    public func store(_ key: EnrolmentKey, client: String, hub: String, force: Bool) throws(JobError) {
        do {
            try EnrolmentKeyFile.write(key, client: client, to: path, force: force)
        } catch {
            throw .failure("cannot write the key file: \(error)")
        }
    }

    public func withdraw() { try? FileIO.wipeAndUnlink(path) }
}
