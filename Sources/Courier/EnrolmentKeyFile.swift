#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import DSKECore
import Foundation

/// A client's enrolment key without a smart card: a 0600 file holding one line
/// `dske-enrolment-key/v1 <client name> <base64 key>`. Like ssh with its private keys, a file
/// that others may read is refused: the key opens every bundle ever issued to the client.
public enum EnrolmentKeyFile {
    public static let tag = "dske-enrolment-key/v1"
    static let maxSize = 1024

    /// The key and the client it belongs to.
    public struct Contents: Sendable {
        public let client: String
        public let key: EnrolmentKey
    }

    /// The line the file holds (a secret: never log it).
    static func line(client: String, key: EnrolmentKey) -> String {
        "\(tag) \(client) \(StrictBase64.encode(key.exportBytes()))\n"
    }

    /// Writes the file with mode 0600, durably. Refuses to overwrite an existing file unless
    /// `force`; a forced write replaces the old file atomically.
    public static func write(_ key: EnrolmentKey, client: String, to path: String, force: Bool) throws(MediaError) {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        let writer = try SafeFileWriter(directory: directory, name: url.lastPathComponent, mode: 0o600, replacing: force)
        try writer.write(Array(line(client: client, key: key).utf8))
        try writer.commit()
    }

    public static func read(path: String) throws(BundleError) -> Contents {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else {
            let code = errno
            let reason = code == ENOENT ? "does not exist: give the file `psrd-courier enrol` wrote"
                : "cannot be opened: \(String(cString: strerror(code)))"
            throw .keyFile(path: path, reason: reason)
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            throw .keyFile(path: path, reason: "is not a regular file")
        }
        guard info.st_mode & 0o077 == 0 else {
            throw .keyFile(path: path, reason: "is readable by others (mode \(String(info.st_mode & 0o777, radix: 8))): run chmod 600 on it")
        }
        guard Int(info.st_size) <= maxSize else { throw .keyFile(path: path, reason: "is too large to be a key file") }
        var bytes = [UInt8](repeating: 0, count: maxSize + 1)
        defer { bytes.withUnsafeMutableBytes { _ = $0.initializeMemory(as: UInt8.self, repeating: 0) } }
        let count = try bytes.withUnsafeMutableBytes { buffer in
            Result { () throws(BundleError) in try FileIO.readFully(fd, into: buffer, path: path) }
        }.get()
        return try parse(Array(bytes[0..<count]), path: path)
    }

    static func parse(_ bytes: [UInt8], path: String) throws(BundleError) -> Contents {
        var text = bytes
        if text.last == 0x0A { text.removeLast() }
        let fields = text.split(separator: 0x20, omittingEmptySubsequences: false)
        guard fields.count == 3, !text.contains(0x0A) else {
            throw .keyFile(path: path, reason: "is not one line '\(tag) <client> <base64 key>'")
        }
        guard String(decoding: fields[0], as: UTF8.self) == tag else {
            throw .keyFile(path: path, reason: "does not start with '\(tag)' (not an enrolment key file, or a newer version)")
        }
        let client = String(decoding: fields[1], as: UTF8.self)
        guard NodeName.isValid(client) else { throw .keyFile(path: path, reason: "names no valid client") }
        guard let keyBytes = StrictBase64.decode(String(decoding: fields[2], as: UTF8.self)),
              keyBytes.count == EnrolmentKey.size
        else { throw .keyFile(path: path, reason: "does not hold a \(EnrolmentKey.size)-byte key in base64") }
        do {
            return Contents(client: client, key: try EnrolmentKey(bytes: keyBytes))
        } catch {
            throw .keyFile(path: path, reason: "does not hold a valid key")
        }
    }
}
