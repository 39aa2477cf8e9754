#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import DSKEConfig
import Foundation

/// `psrd-courier enrol`: a fresh enrolment key for a client, written to its key sink (a key
/// file, or the client's smart card) and recorded, with the client's encryptors, in the hub's
/// courier keystore.
///
/// The key is stored first: a keystore entry whose key no file or card holds would only block
/// the next enrolment, while a stored key without an entry is taken back when the keystore
/// refuses.
public struct EnrolmentJob {
    public let hub: NodeConfiguration
    public let client: NodeConfiguration
    public let sink: any EnrolmentKeySink
    public let force: Bool

    public init(hub: NodeConfiguration, client: NodeConfiguration, sink: any EnrolmentKeySink, force: Bool) {
        self.hub = hub
        self.client = client
        self.sink = sink
        self.force = force
    }

    /// The key-file form.
    public init(hub: NodeConfiguration, client: NodeConfiguration, keyFile: String, force: Bool) {
        self.init(hub: hub, client: client,
                  sink: EnrolmentKeyFileSink(path: URL(fileURLWithPath: keyFile).standardizedFileURL.path), force: force)
    }

    public struct Outcome: Sendable {
        public let keyID: String
        /// Where the key went: the key file (absolute), or the card.
        public let keyFile: String
        public let replacedEnrolment: Bool
    }

    public func run() throws(JobError) -> Outcome {
        try sink.check(force: force)
        let keystore = try CourierKeystore(hub: hub.name, hubDataDirectory: hub.dataDirectory, create: true)
        defer { keystore.release() }
        let previous = keystore.client(named: client.name)
        if let previous, !force {
            throw .failure("\(client.name) is already enrolled at \(hub.name) (key \(previous.keyID)): use --force to give it a new key")
        }
        let key = EnrolmentKey.generate()
        try sink.store(key, client: client.name, hub: hub.name, force: force)
        do {
            try keystore.enrol(EnrolledClient(name: client.name, encryptors: client.encryptors, key: key), replacing: force)
        } catch {
            sink.withdraw()
            throw error
        }
        return Outcome(keyID: key.keyID, keyFile: sink.destination, replacedEnrolment: previous != nil)
    }
}
