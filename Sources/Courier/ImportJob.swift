import DSKECore
import DSKEConfig
import Foundation
import PSRDStore

/// `psrd-courier import`: brings the bundles addressed to one node into its PSRD pools.
///
/// A stopped node: its store is opened here (under the store's exclusive lock) and each bundle
/// is staged (`ImportStager`), verified and adopted with its bundle ID in one transaction. A running node (its
/// store is locked by the node process): each bundle is staged and verified here, then handed to
/// the node over its loopback management interface, which adopts it and uses it at once. The
/// lock decides which, so both can never happen at once.
///
/// Bundles are imported one at a time, each all or nothing; the first failure stops the job.
public struct ImportJob {
    public let node: NodeConfiguration
    /// A bundle file or a directory of bundles; nil for a hub means its courier inbox.
    public let from: String?
    /// A client's enrolment key file (hubs use their keystore's bundle key).
    public let keyFile: String?
    /// A client's enrolment key already in hand (read from its smart card after VERIFY);
    /// takes the place of `keyFile`.
    public let clientKey: EnrolmentKey?
    /// Overwrite and delete each bundle once imported (always done for a hub's inbox copies,
    /// which can never be imported again).
    public let wipe: Bool
    public let showProgress: Bool
    public let now: Date
    /// Delivers a staged bundle to the running node; nil refuses running nodes.
    public let handOver: (@Sendable (NodeImportRequest) async throws(JobError) -> Void)?

    public init(node: NodeConfiguration, from: String?, keyFile: String?, clientKey: EnrolmentKey? = nil,
                wipe: Bool = false, showProgress: Bool = ProgressBar.stderrIsTerminal, now: Date = Date(),
                handOver: (@Sendable (NodeImportRequest) async throws(JobError) -> Void)?) {
        self.node = node
        self.from = from
        self.keyFile = keyFile
        self.clientKey = clientKey
        self.wipe = wipe
        self.showProgress = showProgress
        self.now = now
        self.handOver = handOver
    }

    /// One imported bundle.
    public struct Outcome: Sendable {
        public let bundleID: String
        public let path: String
        public let blocks: Int
        public let bytes: Int
        /// True when the running node adopted it through its management interface.
        public let handedToRunningNode: Bool
        public let wiped: Bool
    }

    public var role: PoolOwner { node.role == .hub ? .hub : .client }

    public func run() async throws(JobError) -> [Outcome] {
        let key = try recipientKey()
        let source = try sourcePath()
        let bundles = try select(from: source)
        let removeAfter = wipe || isInbox(source)

        let store: NodeStore?
        do {
            store = try await NodeStore(directory: node.dataDirectory, localRole: role)
        } catch StoreError.locked {
            store = nil
        } catch {
            throw .failure("cannot open the PSRD store of \(node.name) in \(node.dataDirectory): \(error)")
        }
        if store == nil && handOver == nil {
            throw .failure("\(node.name) is running (its store is locked) and this import cannot reach it: stop the node and import again")
        }

        var outcomes: [Outcome] = []
        var failure: JobError?
        for path in bundles {
            do throws(JobError) {
                let header = try await stage(path, key: key, store: store)
                outcomes.append(Outcome(bundleID: header.id, path: path, blocks: header.blocks.count,
                                        bytes: header.payloadSize, handedToRunningNode: store == nil,
                                        wiped: removeAfter && remove(path)))
            } catch {
                failure = error
                break
            }
        }
        if let store {
            do {
                try await store.close()
            } catch {
                failure = failure ?? .failure("closing the PSRD store of \(node.name) failed: \(error)")
            }
        }
        if let failure {
            guard !outcomes.isEmpty else { throw failure }
            throw .failure(failure.message + " (imported before it: \(outcomes.map(\.bundleID).joined(separator: ", ")))")
        }
        return outcomes
    }

    /// Stages one bundle and has it adopted: by the store, or by the running node.
    private func stage(_ path: String, key: EnrolmentKey, store: NodeStore?) async throws(JobError) -> BundleHeader {
        let total = (try? BundleReader.peekHeader(path: path))
        let staged: StagedBundle
        let progress = ImportProgress(label: "import \((path as NSString).lastPathComponent.prefix(8))",
                                      paths: total?.blocks.map { stagingPath($0.uuid) } ?? [],
                                      total: total?.payloadSize ?? 1, enabled: showProgress && total != nil)
        progress.start()
        do {
            staged = try await stageBlocks(path, key: key, store: store)
        } catch {
            progress.stop(completed: false)
            throw .failure("\(path): \(Self.explain(error)); nothing was imported")
        }
        progress.stop(completed: true)

        if let store {
            do {
                try await staged.adopt(into: store, source: "courier:\(staged.bundleID)")
            } catch {
                throw .failure("\(path): \(Self.explain(error)); nothing was imported")
            }
        } else if let handOver {
            do {
                try await handOver(NodeImportRequest(staged))
            } catch {
                staged.discard()
                throw .failure("\(path): \(error.message); nothing was imported")
            }
        }
        return staged.header
    }

    /// Opens the bundle (every check before the payload), refuses a block the store has seen
    /// before decrypting anything (a running node's store is checked when it adopts), then
    /// streams the payload into the staging files.
    private func stageBlocks(_ path: String, key: EnrolmentKey, store: NodeStore?) async throws(BundleError) -> StagedBundle {
        let reader = try BundleReader(path: path, key: key, recipient: BundleRecipient(name: node.name, role: role), now: now)
        if let store { try await BundleImporter.refuseSeenBlocks(reader.header, in: store) }
        return try ImportStager.stage(reader, paths: reader.header.blocks.map { stagingPath($0.uuid) }, role: role)
    }

    private func stagingPath(_ uuid: UUID) -> String {
        BundleImporter.stagingPath(storeDirectory: node.dataDirectory, uuid: uuid)
    }

    /// Replays read as replays, whichever layer noticed.
    static func explain(_ error: BundleError) -> String {
        switch error {
        case .store(.duplicateBundle(let id)): return "replayed bundle: bundle \(id) was imported before"
        case .store(.duplicateBlock(let uuid)): return "replayed bundle: block \(uuid.lowercased) was imported before"
        default: return error.description
        }
    }

    // MARK: Key and bundles

    private func recipientKey() throws(JobError) -> EnrolmentKey {
        switch role {
        case .client:
            if let clientKey { return clientKey }
            guard let keyFile else {
                throw .usage("importing into client \(node.name) needs its enrolment key: give --key-file PATH")
            }
            let contents: EnrolmentKeyFile.Contents
            do {
                contents = try EnrolmentKeyFile.read(path: keyFile)
            } catch {
                throw .usage("\(error)")
            }
            guard contents.client == node.name else {
                throw .usage("key file \(keyFile) holds \(contents.client)'s enrolment key, not \(node.name)'s")
            }
            return contents.key
        case .hub:
            guard keyFile == nil, clientKey == nil else {
                throw .usage("a hub imports with its own bundle key from its courier keystore: leave out --key-file")
            }
            let keystore = try CourierKeystore(hub: node.name, hubDataDirectory: node.dataDirectory, create: false)
            defer { keystore.release() }
            return keystore.bundleKey
        }
    }

    private func sourcePath() throws(JobError) -> String {
        if let from { return from }
        guard role == .hub else { throw .usage("give --from with the mount point of the medium or a bundle file") }
        return CourierKeystore.inboxDirectory(hubDataDirectory: node.dataDirectory)
    }

    private func isInbox(_ path: String) -> Bool {
        role == .hub && URL(fileURLWithPath: path).standardizedFileURL.path
            == URL(fileURLWithPath: CourierKeystore.inboxDirectory(hubDataDirectory: node.dataDirectory)).standardizedFileURL.path
    }

    /// The bundles to import: a file as given (the reader refuses it if it is for another node),
    /// or a directory's bundles for this node. An unreadable bundle in the directory stops the
    /// job before anything is imported.
    private func select(from path: String) throws(JobError) -> [String] {
        let listing: MediaListing
        do {
            listing = try MediaListing.scan(path)
        } catch {
            throw .failure("\(error)")
        }
        var isDirectory: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        if !isDirectory.boolValue { return listing.entries.map(\.path) }

        var mine: [String] = []
        var others: Set<String> = []
        for entry in listing.entries {
            switch entry.header {
            case .failure(let error):
                throw .failure("\(entry.path): \(error); nothing was imported (remove the file or import the other bundles one by one)")
            case .success(let header):
                if header.recipient.name == node.name && header.recipient.role == role {
                    mine.append(entry.path)
                } else {
                    others.insert("\(header.recipient.role.rawValue) \(header.recipient.name)")
                }
            }
        }
        guard !mine.isEmpty else {
            if others.isEmpty { throw .failure("no bundles in \(path)") }
            throw .failure("wrong recipient: no bundle in \(path) is for \(role.rawValue) \(node.name) (they are for \(others.sorted().joined(separator: ", ")))")
        }
        return mine
    }

    /// Overwrites and deletes an imported bundle; false (and the bundle stays) when it cannot.
    private func remove(_ path: String) -> Bool {
        do {
            try FileIO.wipeAndUnlink(path)
            try? SafeFileWriter.syncDirectory((path as NSString).deletingLastPathComponent)
            return true
        } catch {
            return false
        }
    }
}
