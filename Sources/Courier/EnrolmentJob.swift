#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import DSKEConfig
import Foundation

/// `psrd-courier enrol`: a fresh enrolment key for a client, written to its key file and
/// recorded, with the client's encryptors, in the hub's courier keystore.
///
/// The key file is written first: a keystore entry whose key no file holds would only block the
/// next enrolment, while a key file without an entry is removed again when the keystore refuses.
public struct EnrolmentJob {
    public let hub: NodeConfiguration
    public let client: NodeConfiguration
    public let keyFile: String
    public let force: Bool

    public init(hub: NodeConfiguration, client: NodeConfiguration, keyFile: String, force: Bool) {
        self.hub = hub
        self.client = client
        self.keyFile = keyFile
        self.force = force
    }

    public struct Outcome: Sendable {
        public let keyID: String
        /// The key file, absolute.
        public let keyFile: String
        public let replacedEnrolment: Bool
    }

    public func run() throws(JobError) -> Outcome {
        let path = URL(fileURLWithPath: keyFile).standardizedFileURL.path
        if !force && access(path, F_OK) == 0 {
            throw .failure("key file \(path) already exists: it was not overwritten (use --force to replace it)")
        }
        let keystore = try CourierKeystore(hub: hub.name, hubDataDirectory: hub.dataDirectory, create: true)
        defer { keystore.release() }
        let previous = keystore.client(named: client.name)
        if let previous, !force {
            throw .failure("\(client.name) is already enrolled at \(hub.name) (key \(previous.keyID)): use --force to give it a new key")
        }
        let key = EnrolmentKey.generate()
        do {
            try EnrolmentKeyFile.write(key, client: client.name, to: path, force: force)
        } catch {
            throw .failure("cannot write the key file: \(error)")
        }
        do {
            try keystore.enrol(EnrolledClient(name: client.name, encryptors: client.encryptors, key: key), replacing: force)
        } catch {
            try? FileIO.wipeAndUnlink(path)
            throw error
        }
        return Outcome(keyID: key.keyID, keyFile: path, replacedEnrolment: previous != nil)
    }
}
