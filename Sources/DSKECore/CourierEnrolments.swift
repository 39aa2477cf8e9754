#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The clients enrolled at a hub, as `psrd-courier enrol` records them in the hub's courier
/// keystore (`<hub data dir>/courier/keystore.json`): name and encryptors only.
///
/// In courier mode the keystore is the hub's one list of clients: a courier hub reads it instead
/// of keeping registrations of its own, so enrolling a client is registering it, with no second
/// copy that could disagree. This reader decodes just those two fields (the keys in the file are
/// skipped) so the hub needs nothing of psrd-courier's library.
public struct CourierEnrolments: Sendable, Hashable {
    public struct Client: Codable, Sendable, Hashable {
        public let name: String
        public let encryptors: [String]

        public init(name: String, encryptors: [String]) {
            self.name = name
            self.encryptors = encryptors
        }
    }

    public let clients: [Client]

    public init(clients: [Client]) { self.clients = clients }

    /// The keystore's place inside a hub's data directory (its store directory).
    public static func keystorePath(hubDataDirectory: String) -> String {
        hubDataDirectory + "/courier/keystore.json"
    }

    public static let maxFileSize = 16 << 20

    private struct File: Decodable {
        let clients: [Client]
    }

    /// Reads the keystore at `path`: empty when there is none yet (no client enrolled).
    public static func load(path: String) throws(WireError) -> CourierEnrolments {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { return CourierEnrolments(clients: []) }
            throw .invalidField(field: "keystore", reason: "cannot open \(path): errno \(errno)")
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .invalidField(field: "keystore", reason: "cannot read \(path): errno \(errno)")
            }
            if count == 0 { break }
            bytes += chunk[0..<count]
            guard bytes.count <= maxFileSize else { throw .tooLarge(size: bytes.count, limit: maxFileSize) }
        }
        // The file holds keys: the copies in memory are wiped once the names are out.
        defer {
            bytes.withUnsafeMutableBytes { _ = $0.initializeMemory(as: UInt8.self, repeating: 0) }
            chunk.withUnsafeMutableBytes { _ = $0.initializeMemory(as: UInt8.self, repeating: 0) }
        }
        return CourierEnrolments(clients: try WireCoding.decode(File.self, from: bytes, limit: maxFileSize).clients)
    }

    /// The modification time of the keystore (nil when it does not exist): a reader re-reads the
    /// file only when this changes.
    public static func modificationStamp(path: String) -> [Int]? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        #if canImport(Darwin)
        let time = info.st_mtimespec
        #else
        let time = info.st_mtim
        #endif
        return [Int(time.tv_sec), Int(time.tv_nsec), Int(info.st_ino), Int(info.st_size)]
    }
}
