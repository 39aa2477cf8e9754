import DSKECore
import Foundation

/// `psrd-courier verify`: opens bundles with a key and authenticates every chunk, importing
/// nothing. The same checks as an import up to the store: magic, header, recipient, key,
/// header MAC, expiry, every chunk, the final chunk, no trailing bytes.
public struct VerifyJob {
    public let from: String
    public let key: EnrolmentKey
    public let recipient: BundleRecipient
    public let showProgress: Bool
    public let now: Date

    public init(from: String, key: EnrolmentKey, recipient: BundleRecipient,
                showProgress: Bool = ProgressBar.stderrIsTerminal, now: Date = Date()) {
        self.from = from
        self.key = key
        self.recipient = recipient
        self.showProgress = showProgress
        self.now = now
    }

    public struct Result: Sendable {
        public let path: String
        /// The header once authenticated; nil when the bundle failed before that.
        public let header: BundleHeader?
        /// Why it failed; nil when it verified.
        public let failure: String?
    }

    /// One result per bundle: the file given, or a directory's bundles for the recipient.
    public func run() throws(JobError) -> [Result] {
        let listing: MediaListing
        do {
            listing = try MediaListing.scan(from)
        } catch {
            throw .failure("\(error)")
        }
        var isDirectory: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: from, isDirectory: &isDirectory)
        let entries = listing.entries.filter { entry in
            guard isDirectory.boolValue, let header = entry.bundleHeader else { return true }
            return header.recipient == recipient
        }
        guard !entries.isEmpty else {
            throw .failure("no bundles for \(recipient.role.rawValue) \(recipient.name) in \(from)")
        }
        return entries.map(check)
    }

    private func check(_ entry: MediaListing.Entry) -> Result {
        let progress = ProgressBar(label: "verify \((entry.path as NSString).lastPathComponent.prefix(8))",
                                   total: entry.bundleHeader?.payloadSize ?? 1, enabled: showProgress)
        do throws(BundleError) {
            let reader = try BundleReader(path: entry.path, key: key, recipient: recipient, now: now)
            var done = 0
            try reader.readPayload { (_: Int, bytes: UnsafeRawBufferPointer) throws(BundleError) in
                done += bytes.count
                progress.update(done)
            }
            progress.finish(done)
            return Result(path: entry.path, header: reader.header, failure: nil)
        } catch {
            progress.clear()
            return Result(path: entry.path, header: nil, failure: error.description)
        }
    }
}
