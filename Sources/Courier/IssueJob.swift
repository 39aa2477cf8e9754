#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import DSKECore
import DSKEConfig
import Foundation

/// `psrd-courier issue`: generates the PSRD of one hub-client pair once and writes it twice,
/// sealed for the client onto the medium and sealed for the hub into the hub's courier inbox.
///
/// Order, so that an interruption leaves nothing an import would accept: every check first
/// (target, removable media, keystore, entropy source); both files as `.partial` temporaries;
/// the medium's copy read back from the medium (as it reaches the device, `MediumVerifier`)
/// and authenticated before it gets its name; then the hub's copy. A failure at any step removes both temporaries, and a failure to name the hub's
/// copy removes the client's again, so no pair of pools can diverge.
public struct IssueJob {
    public let hub: NodeConfiguration
    public let client: NodeConfiguration
    /// The mounted medium (a directory).
    public let target: String
    /// PSRD bytes for the pair: half in client-owned blocks, half in hub-owned blocks.
    public let size: Int
    public let blockSize: Int
    public let lifetime: TimeInterval
    public let qrngPath: String?
    public let verify: Bool
    public let allowAnyTarget: Bool
    public let showProgress: Bool
    public let now: Date

    public static let maxBlockSize = 16 << 20
    public static let defaultLifetime: TimeInterval = 30 * 86_400

    public init(hub: NodeConfiguration, client: NodeConfiguration, target: String, size: Int,
                blockSize: Int = IssueJob.maxBlockSize, lifetime: TimeInterval = IssueJob.defaultLifetime,
                qrngPath: String? = nil, verify: Bool = true, allowAnyTarget: Bool = false,
                showProgress: Bool = ProgressBar.stderrIsTerminal, now: Date = Date()) {
        self.hub = hub
        self.client = client
        self.target = target
        self.size = size
        self.blockSize = blockSize
        self.lifetime = lifetime
        self.qrngPath = qrngPath
        self.verify = verify
        self.allowAnyTarget = allowAnyTarget
        self.showProgress = showProgress
        self.now = now
    }

    /// What was written.
    public struct Outcome: Sendable {
        public let bundleID: String
        /// The client's bundle on the medium.
        public let clientBundle: String
        /// The hub's copy in its inbox.
        public let hubBundle: String
        public let blocks: [BundleBlock]
        public let payloadSize: Int
        public let expires: Date
        public let entropy: BundleEntropy
        public let verified: Bool
    }

    /// The blocks of a pair's PSRD: client-owned first, then hub-owned, each half cut into
    /// blocks of at most `blockSize` bytes (the client's half takes the odd byte).
    public static func plan(size: Int, blockSize: Int) throws(JobError) -> [BundleBlock] {
        guard size >= 2 else { throw .usage("--size must be at least 2 bytes (half for each side of the pair)") }
        guard (1...maxBlockSize).contains(blockSize) else {
            throw .usage("--block-size must be between 1 byte and \(ByteCount.format(maxBlockSize))")
        }
        guard size <= BundleFormat.maxPayloadSize else { throw .usage("--size is too large") }
        let halves: [(PoolOwner, Int)] = [(.client, size - size / 2), (.hub, size / 2)]
        let count = halves.reduce(0) { $0 + ($1.1 + blockSize - 1) / blockSize }
        guard count <= BundleFormat.maxBlocks else {
            throw .usage("\(ByteCount.format(size)) in blocks of \(ByteCount.format(blockSize)) makes \(count) blocks, more than a bundle holds (\(BundleFormat.maxBlocks)): use a larger --block-size or issue several bundles")
        }
        var blocks: [BundleBlock] = []
        for (owner, half) in halves {
            var left = half
            while left > 0 {
                let length = min(blockSize, left)
                blocks.append(BundleBlock(uuid: UUID(), owner: owner, size: length))
                left -= length
            }
        }
        return blocks
    }

    public func run() throws(JobError) -> Outcome {
        let blocks = try Self.plan(size: size, blockSize: blockSize)
        guard lifetime >= 60 else { throw .usage("--expires must be at least a minute") }
        do {
            try SafeFileWriter.checkDirectory(target)
            if !allowAnyTarget { try RemovableMedia.check(target) }
        } catch {
            throw .failure("\(error)")
        }

        let keystore = try CourierKeystore(hub: hub.name, hubDataDirectory: hub.dataDirectory, create: false)
        defer { keystore.release() }
        guard let enrolled = keystore.client(named: client.name) else {
            throw .failure("\(client.name) is not enrolled at \(hub.name): run psrd-courier enrol --hub \(hub.name) --client \(client.name) --key-file PATH first")
        }
        let source = try entropySource()

        let inbox = CourierKeystore.inboxDirectory(hubDataDirectory: hub.dataDirectory)
        try CourierKeystore.makeDirectory(inbox)

        let bundleID = UUID()
        let pair = BundlePair(hub: hub.name, client: client.name)
        let expires = now.addingTimeInterval(lifetime)
        let clientKey = FileKey.generate(), hubKey = FileKey.generate()
        let clientHeader: BundleHeader, hubHeader: BundleHeader
        do {
            clientHeader = try BundleHeader(
                bundleID: bundleID, issuer: hub.name, pair: pair, recipient: BundleRecipient(name: client.name, role: .client),
                blocks: blocks, created: now, expires: expires, entropy: source.record,
                stanzas: [enrolled.key.wrap(clientKey, bundleID: bundleID)])
            hubHeader = try BundleHeader(
                bundleID: bundleID, issuer: hub.name, pair: pair, recipient: BundleRecipient(name: hub.name, role: .hub),
                blocks: blocks, created: now, expires: expires, entropy: source.record,
                stanzas: [keystore.bundleKey.wrap(hubKey, bundleID: bundleID)])
        } catch {
            throw .failure("cannot build the bundle header: \(error)")
        }

        let name = BundleFormat.fileName(bundleID: clientHeader.id)
        let medium: SafeFileWriter, copy: SafeFileWriter
        do {
            medium = try SafeFileWriter(directory: target, name: name, expectedSize: clientHeader.fileSize)
            copy = try SafeFileWriter(directory: inbox, name: name, expectedSize: hubHeader.fileSize)
        } catch {
            throw .failure("\(error)")
        }
        var verifier: MediumVerifier?
        do throws(JobError) {
            if verify {
                // Read back from the medium while writing: each step once it is on the device.
                let reader = try startVerifier(medium.temporaryPath, key: enrolled.key, recipient: clientHeader.recipient)
                medium.onDurable = { reader.advance(to: $0) }
                verifier = reader
            }
            try write(source: source, medium: medium, clientHeader: clientHeader, clientKey: clientKey,
                      copy: copy, hubHeader: hubHeader, hubKey: hubKey)
            if let reader = verifier {
                try mediumSync(medium, dropCache: true)
                verifier = nil
                do {
                    _ = try reader.finish()
                } catch .io {
                    // Some FUSE file systems (fusefat) refuse to read a file another descriptor
                    // is still writing: read it back whole, now that it is complete.
                    try readBack(medium.temporaryPath, key: enrolled.key, header: clientHeader)
                } catch {
                    throw JobError.failure("the bundle read back from \(target) does not verify (\(error)): the medium may be failing; nothing was left on it")
                }
            }
            do {
                try medium.commit()
            } catch {
                throw JobError.failure("\(error)")
            }
            do {
                try copy.commit()
            } catch {
                // The client's copy alone would fill one side of the pair only: take it back.
                try? FileIO.wipeAndUnlink(medium.finalPath)
                throw JobError.failure("cannot store the hub's copy (\(error)); the bundle on the medium was removed again")
            }
        } catch {
            verifier?.cancel()
            medium.abort()
            copy.abort()
            throw error
        }
        return Outcome(bundleID: clientHeader.id, clientBundle: medium.finalPath, hubBundle: copy.finalPath,
                       blocks: blocks, payloadSize: clientHeader.payloadSize, expires: clientHeader.expires,
                       entropy: source.record, verified: verify)
    }

    private func entropySource() throws(JobError) -> any EntropySource {
        guard let qrngPath else { return OSEntropy() }
        do {
            return try CombinedEntropy(qrng: QRNGDevice(path: qrngPath))
        } catch {
            throw .failure("\(error); no bundle was written")
        }
    }

    /// Streams the payload once into both sealed bundles.
    private func write(source: any EntropySource, medium: SafeFileWriter, clientHeader: BundleHeader, clientKey: FileKey,
                       copy: SafeFileWriter, hubHeader: BundleHeader, hubKey: FileKey) throws(JobError) {
        var mediaFailure: MediaError?
        var entropyFailure: EntropyError?
        func sink(_ file: SafeFileWriter) -> (UnsafeRawBufferPointer) throws(BundleError) -> Void {
            { (bytes: UnsafeRawBufferPointer) throws(BundleError) in
                do throws(MediaError) {
                    try file.write(bytes)
                } catch {
                    mediaFailure = error
                    throw .io(operation: "write", path: file.temporaryPath, errno: EIO)
                }
            }
        }
        let feed = IssueFeed(source: source, total: clientHeader.payloadSize)
        defer { feed.cancel() }
        let progress = ProgressBar(label: "issue \(hub.name)->\(client.name)", total: clientHeader.payloadSize,
                                   enabled: showProgress)
        do throws(BundleError) {
            let clientWriter = try BundleWriter(header: clientHeader, fileKey: clientKey, output: sink(medium))
            let hubWriter = try BundleWriter(header: hubHeader, fileKey: hubKey, output: sink(copy))
            feed.start()
            var done = 0
            while let chunk = try next(feed, failure: &entropyFailure) {
                try clientWriter.write(chunk)
                try hubWriter.write(chunk)
                done += chunk.count
                progress.update(done)
            }
            try clientWriter.finish()
            try hubWriter.finish()
            progress.finish(done)
        } catch {
            progress.clear()
            if let entropyFailure { throw .failure("issue aborted: \(entropyFailure); no bundle was written") }
            if let mediaFailure { throw .failure("\(mediaFailure); nothing was left on the medium") }
            throw .failure("cannot seal the bundle: \(error)")
        }
    }

    /// The feed's next buffer; an entropy failure is kept in `failure` for the message and
    /// leaves the write loop as a BundleError.
    private func next(_ feed: IssueFeed, failure: inout EntropyError?) throws(BundleError) -> UnsafeRawBufferPointer? {
        do {
            return try feed.next()
        } catch {
            failure = error
            throw .invalidArgument("\(error)")
        }
    }

    private func mediumSync(_ medium: SafeFileWriter, dropCache: Bool) throws(JobError) {
        do {
            try medium.sync(dropCache: dropCache)
        } catch {
            throw .failure("\(error); nothing was left on the medium")
        }
    }

    private func startVerifier(_ path: String, key: EnrolmentKey, recipient: BundleRecipient) throws(JobError) -> MediumVerifier {
        do {
            return try MediumVerifier(path: path, key: key, recipient: recipient, now: now)
        } catch {
            throw .failure("cannot read back \(path): \(error); nothing was left on the medium")
        }
    }

    /// Reads the client's copy back from the medium, after the fact, and authenticates it.
    private func readBack(_ path: String, key: EnrolmentKey, header: BundleHeader) throws(JobError) {
        let progress = ProgressBar(label: "verify \(client.name)", total: header.payloadSize, enabled: showProgress)
        do {
            let reader = try BundleReader(path: path, key: key, recipient: header.recipient, now: now)
            var done = 0
            try reader.readPayload { (_: Int, bytes: UnsafeRawBufferPointer) throws(BundleError) in
                done += bytes.count
                progress.update(done)
            }
            progress.finish(done)
        } catch {
            progress.clear()
            throw .failure("the bundle read back from \(target) does not verify (\(error)): the medium may be failing; nothing was left on it")
        }
    }
}
