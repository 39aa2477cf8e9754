#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import DSKECore
import Foundation

/// The hub's courier keystore, `<hub data dir>/courier/keystore.json` (0600): the hub's own
/// bundle key (which seals the hub's copy of every bundle it issues) and every enrolled client
/// with its enrolment key. An instance opened for enrolment (`create`) holds the keystore's lock
/// until it is released, so one enrolment's read-modify-write never loses another's; readers
/// (issue, import, verify) need no lock, since the file is only ever replaced whole by a rename.
///
/// File: `{"version":1,"hub":NAME,"bundle_key":{"key_id":..,"key":..},"clients":[{"name",
/// "encryptors","key_id","key","enrolled"}]}`, keys in base64.
public final class CourierKeystore {
    public static let fileName = "keystore.json"
    static let maxFileSize = 16 << 20

    public let hub: String
    public let directory: String
    public let bundleKey: EnrolmentKey
    public private(set) var clients: [EnrolledClient]
    private var lock: KeystoreLock?

    /// `<hub data dir>/courier`: keystore, lock and inbox.
    public static func courierDirectory(hubDataDirectory: String) -> String { hubDataDirectory + "/courier" }
    /// Where `issue` puts the hub's sealed copies.
    public static func inboxDirectory(hubDataDirectory: String) -> String { courierDirectory(hubDataDirectory: hubDataDirectory) + "/inbox" }
    /// The one definition of the place, shared with the hub that reads its clients from it.
    public static func path(hubDataDirectory: String) -> String { CourierEnrolments.keystorePath(hubDataDirectory: hubDataDirectory) }

    /// Opens the keystore of `hub`. With `create` (for enrolment) it takes the lock, and a missing
    /// keystore is created with a fresh bundle key (durably, before this returns); without, the
    /// keystore is read only and a missing one is an error.
    public init(hub: String, hubDataDirectory: String, create: Bool) throws(JobError) {
        let directory = Self.courierDirectory(hubDataDirectory: hubDataDirectory)
        self.hub = hub
        self.directory = directory
        if create {
            try Self.makeDirectory(directory)
        } else if access(directory, F_OK) != 0 {
            throw .failure("hub \(hub) has no courier keystore in \(directory): enrol a client first (psrd-courier enrol)")
        }
        if create { lock = try KeystoreLock(path: directory + "/keystore.lock") }
        let path = directory + "/" + Self.fileName
        if let bytes = try Self.load(path) {
            let file: KeystoreFile
            do {
                file = try WireCoding.decode(KeystoreFile.self, from: bytes, limit: Self.maxFileSize)
            } catch {
                throw .failure("courier keystore \(path) is unreadable (\(error)): restore it from a backup")
            }
            guard file.version == KeystoreFile.currentVersion else {
                throw .failure("courier keystore \(path) has version \(file.version); this psrd-courier reads version \(KeystoreFile.currentVersion)")
            }
            guard file.hub == hub else {
                throw .failure("courier keystore \(path) belongs to hub \(file.hub), not \(hub): check --hub and the configuration")
            }
            bundleKey = try EnrolmentKey(bytesOrFail: file.bundleKey, path: path)
            clients = file.clients
        } else if create {
            bundleKey = EnrolmentKey.generate()
            clients = []
            try save()
        } else {
            throw .failure("hub \(hub) has no courier keystore (\(path)): enrol a client first (psrd-courier enrol)")
        }
    }

    public func client(named name: String) -> EnrolledClient? { clients.first { $0.name == name } }

    /// Records (or, with `replacing`, re-records) a client, durably.
    public func enrol(_ client: EnrolledClient, replacing: Bool) throws(JobError) {
        if let existing = self.client(named: client.name), !replacing {
            throw .failure("\(client.name) is already enrolled at \(hub) (key \(existing.keyID)): use --force to give it a new key")
        }
        var updated = clients.filter { $0.name != client.name }
        updated.append(client)
        let previous = clients
        clients = updated
        do {
            try save()
        } catch {
            clients = previous
            throw error
        }
    }

    /// Lets go of the lock; the instance must not be used afterwards.
    public func release() { lock = nil }

    private func save() throws(JobError) {
        guard lock != nil else { throw .failure("courier keystore opened read-only or used after release") }
        let file = KeystoreFile(version: KeystoreFile.currentVersion, hub: hub,
                                bundleKey: StoredKey(key: bundleKey), clients: clients)
        var bytes = WireCoding.encode(file)
        bytes.append(0x0A)
        defer { bytes.withUnsafeMutableBytes { _ = $0.initializeMemory(as: UInt8.self, repeating: 0) } }
        do {
            let writer = try SafeFileWriter(directory: directory, name: Self.fileName, mode: 0o600, replacing: true)
            try writer.write(bytes)
            try writer.commit()
        } catch {
            throw .failure("cannot save the courier keystore in \(directory): \(error)")
        }
    }

    private static func load(_ path: String) throws(JobError) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw .failure("cannot open the courier keystore \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, Int(info.st_size) <= maxFileSize else {
            throw .failure("courier keystore \(path) is not a readable file of at most \(maxFileSize) bytes")
        }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        let result = bytes.withUnsafeMutableBytes { buffer in
            Result { () throws(BundleError) in try FileIO.readFully(fd, into: buffer, path: path) }
        }
        guard case .success(let count) = result else {
            throw .failure("cannot read the courier keystore \(path): \(result)")
        }
        return Array(bytes[0..<count])
    }

    /// The courier directory, 0700: it holds keys.
    static func makeDirectory(_ path: String) throws(JobError) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw .failure("cannot create \(path): \(error.localizedDescription)")
        }
        chmod(path, 0o700)
    }
}
