#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// `psrd-courier wipe`: overwrite, sync, delete, sync the directory.
public enum MediaWiper {
    /// Wipes a bundle file, or a directory's bundles and the `.partial` temporaries of
    /// interrupted issues. Returns what it wiped. A file that is not a bundle is refused.
    public static func wipe(_ path: String) throws(MediaError) -> [String] {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT || errno == ENOTDIR { throw .missingTarget(path) }
            throw .io(operation: "stat", path: path, errno: errno)
        }
        let directory: String
        let files: [String]
        if (info.st_mode & S_IFMT) == S_IFDIR {
            directory = path
            let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            let bundle = "." + BundleFormat.fileExtension
            files = names.filter { name in
                (name.hasSuffix(bundle) && !name.hasPrefix(".")) || (name.hasPrefix(".") && name.hasSuffix(bundle + ".partial"))
            }.sorted().map { path + "/" + $0 }
        } else {
            guard path.hasSuffix("." + BundleFormat.fileExtension) || path.hasSuffix(".partial") else {
                throw .malformed(path: path, reason: "is not a bundle (*.\(BundleFormat.fileExtension)): not wiped")
            }
            directory = (path as NSString).deletingLastPathComponent
            files = [path]
        }
        var wiped: [String] = []
        for file in files {
            do {
                try FileIO.wipeAndUnlink(file)
            } catch {
                if case let .io(operation, failedPath, code) = error {
                    throw MediaError.from(errno: code, operation: operation, path: failedPath)
                }
                throw .io(operation: "wipe", path: file, errno: EIO)
            }
            wiped.append(file)
        }
        if !wiped.isEmpty { try SafeFileWriter.syncDirectory(directory.isEmpty ? "." : directory) }
        return wiped
    }
}
