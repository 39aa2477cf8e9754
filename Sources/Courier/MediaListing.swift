#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The bundles in a directory (a medium or an inbox), or one bundle file: each `*.dskb` file
/// with its header as the file states it (unauthenticated: only a key can authenticate it), or
/// why its header could not be read. Temporary `.partial` files of an interrupted issue are not
/// bundles and are never listed.
public struct MediaListing: Sendable {
    public struct Entry: Sendable {
        public let path: String
        public let fileSize: Int
        public let header: Result<BundleHeader, BundleError>

        /// The header, if it could be read.
        public var bundleHeader: BundleHeader? { try? header.get() }
    }

    public let entries: [Entry]

    /// Lists `path`: a directory's bundles sorted by creation time then name, or one file.
    public static func scan(_ path: String) throws(MediaError) -> MediaListing {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT || errno == ENOTDIR { throw .missingTarget(path) }
            throw .io(operation: "stat", path: path, errno: errno)
        }
        if (info.st_mode & S_IFMT) != S_IFDIR { return MediaListing(entries: [entry(path, size: Int(info.st_size))]) }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            throw .io(operation: "list", path: path, errno: EIO)
        }
        var entries: [Entry] = []
        for name in names where name.hasSuffix("." + BundleFormat.fileExtension) && !name.hasPrefix(".") {
            let file = path + "/" + name
            var fileInfo = stat()
            guard stat(file, &fileInfo) == 0, (fileInfo.st_mode & S_IFMT) == S_IFREG else { continue }
            entries.append(entry(file, size: Int(fileInfo.st_size)))
        }
        entries.sort { left, right in
            switch (left.bundleHeader?.created, right.bundleHeader?.created) {
            case let (l?, r?) where l != r: return l < r
            default: return left.path < right.path
            }
        }
        return MediaListing(entries: entries)
    }

    static func entry(_ path: String, size: Int) -> Entry {
        Entry(path: path, fileSize: size, header: Result { () throws(BundleError) in try BundleReader.peekHeader(path: path) })
    }
}
