#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The demo's stand-in for a USB stick: an ext4 image loop-mounted in the scratch directory when
/// running as root where loop mounts work, otherwise a plain directory (psrd-courier is told
/// `--allow-any-target` either way, since neither is removable media).
struct DemoMedium: Sendable {
    let path: String
    /// The image, while it is mounted at `path`; nil for a plain directory.
    let image: String?
    /// One line saying which it is, and why when it is the fallback.
    let description: String

    static let imageSize: off_t = 64 << 20

    static func prepare(in scratch: String) -> DemoMedium {
        let mountPoint = scratch + "/usb"
        try? FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        guard geteuid() == 0 else {
            return DemoMedium(path: mountPoint, image: nil,
                              description: "USB medium: plain directory \(mountPoint) (loop-mounting an image needs root)")
        }
        let image = scratch + "/usb.img"
        do {
            try makeImage(image)
            // No journal and no reserved blocks: the image holds what its size says.
            try DemoTool.run("mkfs.ext4", ["-q", "-F", "-m", "0", "-O", "^has_journal", "-L", "PSRDSTICK", image])
            try DemoTool.run("mount", ["-o", "loop", image, mountPoint])
        } catch {
            unlink(image)
            return DemoMedium(path: mountPoint, image: nil,
                              description: "USB medium: plain directory \(mountPoint) (loop mount refused: \(error.message))")
        }
        return DemoMedium(path: mountPoint, image: image,
                          description: "USB medium: ext4 image \(image) (\(imageSize >> 20) MiB) loop-mounted at \(mountPoint)")
    }

    /// Unmounts the image (like pulling the stick after eject) and deletes it; idempotent.
    func release() {
        guard let image else { return }
        if (try? DemoTool.run("umount", [path])) == nil { _ = try? DemoTool.run("umount", ["-l", path]) }
        unlink(image)
    }

    private static func makeImage(_ path: String) throws(CLIError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw CLIError(.failure, "cannot create \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        guard ftruncate(fd, imageSize) == 0 else {
            throw CLIError(.failure, "cannot size \(path): \(String(cString: strerror(errno)))")
        }
    }
}
