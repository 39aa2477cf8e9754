#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Courier
import DSKECore
import DSKEConfig
import Foundation
import PCSC

/// The card side of `psrd-courier import`: the client's enrolment key from its card (for
/// bundles on USB media), or the small bundle on the card itself.
struct CardImport {
    let node: NodeConfiguration
    let reader: String?
    let pinFile: String?
    let wipe: Bool

    /// The enrolment key on client `node`'s card, after VERIFY. The card's identity is checked
    /// first, without the PIN: the card must be the node's, and hold the key the bundles in
    /// `bundles` were sealed for.
    static func readKey(node: NodeConfiguration, reader: String?, pinFile: String?, bundles: String) throws(JobError) -> EnrolmentKey {
        try CardSession.with(reader: reader) { session throws(JobError) in
            let identity = try session.requireClient(node.name)
            try requireKey(identity, session: session, sealedIn: bundles)
            let pin = try SecretInput.read(file: pinFile, prompt: "PIN of \(node.name)'s card: ")
            return try session.enrolmentKey(pin: pin)
        }
    }

    /// Imports the bundle on the card: read whole (its digest checked by the card layer) after
    /// VERIFY, staged in a private temporary file, imported as any bundle file is; with `wipe`,
    /// deleted from the card once imported.
    func run(handOver: @escaping @Sendable (NodeImportRequest) async throws(JobError) -> Void,
             report: (ImportJob.Outcome) -> Void) async throws(JobError) {
        guard node.role == .client else {
            throw .usage("\(node.name) is a hub: bundles on cards are for clients (a hub imports from its courier inbox)")
        }
        let (key, bundle, pin, usedReader) = try CardSession.with(reader: reader) { session throws(JobError) in
            _ = try session.requireClient(node.name)
            let pin = try SecretInput.read(file: pinFile, prompt: "PIN of \(node.name)'s card: ")
            let key = try session.enrolmentKey(pin: pin)
            guard let bundle = try session.run({ card throws(PCSCError) in try card.readBundle(pin: pin) }) else {
                throw JobError.failure("no bundle on the card in reader \"\(session.reader)\"")
            }
            return (key, bundle, pin, session.reader)
        }
        let directory = try Self.privateDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/card." + BundleFormat.fileExtension
        guard FileManager.default.createFile(atPath: path, contents: Data(bundle), attributes: [.posixPermissions: 0o600]) else {
            throw .failure("cannot stage the card's bundle in \(directory)")
        }
        let job = ImportJob(node: node, from: path, keyFile: nil, clientKey: key, handOver: handOver)
        let outcomes: [ImportJob.Outcome]
        do {
            outcomes = try await job.run()
        } catch {
            throw .failure(error.message.replacingOccurrences(of: path, with: "the bundle on the card"))
        }
        outcomes.forEach(report)
        if wipe {
            try CardSession.with(reader: usedReader) { session throws(JobError) in
                try session.run { card throws(PCSCError) in try card.deleteBundle(pin: pin) }
            }
            print("deleted the bundle from the card in reader \"\(usedReader)\"")
        }
    }

    /// Refuses a card whose key opens none of the node's bundles in `path` (when their headers
    /// can be read): the wrong card, told apart before a PIN try is spent on it.
    static func requireKey(_ identity: CardIdentity, session: CardSession, sealedIn path: String) throws(JobError) {
        guard let listing = try? MediaListing.scan(path) else { return }
        let mine = listing.entries.compactMap(\.bundleHeader).filter {
            $0.recipient.name == identity.node && $0.recipient.role == .client
        }
        guard !mine.isEmpty, !mine.contains(where: { $0.keyIDs.contains(identity.keyID) }) else { return }
        let hubs = Set(mine.map(\.pair.hub)).sorted().joined(separator: ", ")
        throw .failure("wrong card: the bundles for \(identity.node) in \(path) (from \(hubs)) were sealed for key "
                       + "\(Set(mine.flatMap(\.keyIDs)).sorted().joined(separator: ", ")), the card in reader "
                       + "\"\(session.reader)\" holds key \(identity.keyID) (\(identity.node)'s enrolment at \(identity.hub))")
    }

    /// A 0700 directory of our own under the temporary directory.
    static func privateDirectory() throws(JobError) -> String {
        var template = Array((NSTemporaryDirectory() + "/psrd-courier-card-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw .failure("cannot create a temporary directory: \(String(cString: strerror(errno)))")
        }
        return String(cString: made)
    }
}
