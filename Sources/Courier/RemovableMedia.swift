#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Tells whether a directory sits on removable media: the mount behind it (/proc/self/mountinfo),
/// the block device behind the mount, then that disk's `removable` flag or a USB transport in
/// its /sys path (USB SSD enclosures report removable=0; lsblk's TRAN=usb comes from the same
/// path). Device-mapper devices (a LUKS stick) are followed to the disks under them.
public enum RemovableMedia {
    /// What was found behind a directory.
    public struct Medium: Sendable, Equatable {
        public let mountPoint: String
        public let fileSystem: String
        /// The mount's source as mountinfo names it (`/dev/sdb1`, `fusefat`...).
        public let source: String
        /// The kernel's name of the disk, e.g. `sdb` or `loop0`; nil when no block device is
        /// behind the mount (tmpfs, a FUSE file system over an image file).
        public let disk: String?
        public let removableFlag: Bool
        public let usbTransport: Bool

        public var isRemovable: Bool { removableFlag || usbTransport }

        /// Why it does or does not count as removable, for messages.
        public var summary: String {
            guard let disk else { return "\(fileSystem) on \(source), no block device behind it" }
            return "\(fileSystem) on /dev/\(disk), removable=\(removableFlag ? 1 : 0), "
                + (usbTransport ? "USB transport" : "not on a USB bus")
        }
    }

    /// Refuses a directory that is not on removable media.
    public static func check(_ directory: String) throws(MediaError) {
        guard let medium = inspect(directory) else {
            throw .notRemovable(path: directory, reason: "its mount could not be found in /proc/self/mountinfo")
        }
        guard medium.isRemovable else { throw .notRemovable(path: directory, reason: medium.summary) }
    }

    public static func inspect(_ directory: String) -> Medium? {
        guard let resolved = realPath(directory), let mount = mount(containing: resolved) else { return nil }
        var sysPath = resolve("/sys/dev/block/\(mount.device)")
        if sysPath == nil, mount.source.hasPrefix("/dev/") {
            // fuseblk and the like: the device is the mount's source.
            var info = stat()
            if stat(mount.source, &info) == 0, (info.st_mode & S_IFMT) == S_IFBLK {
                sysPath = resolve("/sys/dev/block/\(major(info.st_rdev)):\(minor(info.st_rdev))")
            }
        }
        guard let sysPath else {
            return Medium(mountPoint: mount.point, fileSystem: mount.fileSystem, source: mount.source, disk: nil,
                          removableFlag: false, usbTransport: false)
        }
        let disks = physicalDisks(sysPath, depth: 0)
        let removable = !disks.isEmpty && disks.allSatisfy { readFile($0 + "/removable") == "1" }
        let usb = !disks.isEmpty && disks.allSatisfy { $0.contains("/usb") }
        return Medium(mountPoint: mount.point, fileSystem: mount.fileSystem, source: mount.source,
                      disk: diskOf(sysPath).split(separator: "/").last.map(String.init),
                      removableFlag: removable, usbTransport: usb)
    }

    // MARK: mountinfo

    struct Mount {
        let point: String
        /// `major:minor` of the mounted device.
        let device: String
        let fileSystem: String
        let source: String
    }

    /// The mount whose point is the longest prefix of `path` (the last one when mounts are
    /// stacked on one point, as the kernel shows the top one last).
    static func mount(containing path: String) -> Mount? {
        guard let text = readFile("/proc/self/mountinfo") else { return nil }
        var best: Mount?
        for line in text.split(separator: "\n") {
            guard let mount = parse(line) else { continue }
            let covers = mount.point == "/" || path == mount.point || path.hasPrefix(mount.point + "/")
            if covers, mount.point.count >= (best?.point.count ?? 0) { best = mount }
        }
        return best
    }

    /// `36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue`
    static func parse(_ line: Substring) -> Mount? {
        let fields = line.split(separator: " ")
        guard fields.count >= 7, let dash = fields.firstIndex(of: "-"), dash + 2 < fields.count else { return nil }
        return Mount(point: unescape(fields[4]), device: String(fields[2]), fileSystem: String(fields[dash + 1]),
                     source: unescape(fields[dash + 2]))
    }

    /// mountinfo writes space, tab, newline and backslash as octal escapes (`\040`).
    static func unescape(_ field: Substring) -> String {
        var bytes: [UInt8] = []
        let raw = Array(field.utf8)
        var index = 0
        while index < raw.count {
            if raw[index] == 0x5C, index + 3 < raw.count,
               let value = UInt8(String(decoding: raw[index + 1...index + 3], as: UTF8.self), radix: 8) {
                bytes.append(value)
                index += 4
            } else {
                bytes.append(raw[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    // MARK: sysfs

    /// The whole disk for a partition's /sys directory, the directory itself otherwise.
    static func diskOf(_ sysPath: String) -> String {
        if access(sysPath + "/partition", F_OK) == 0 {
            return (sysPath as NSString).deletingLastPathComponent
        }
        return sysPath
    }

    /// The disks under a device: itself, or for device-mapper and md devices the disks of its
    /// slaves.
    static func physicalDisks(_ sysPath: String, depth: Int) -> [String] {
        let disk = diskOf(sysPath)
        let slaves = (try? FileManager.default.contentsOfDirectory(atPath: sysPath + "/slaves")) ?? []
        guard !slaves.isEmpty, depth < 8 else { return [disk] }
        return slaves.flatMap { name in
            resolve(sysPath + "/slaves/" + name).map { physicalDisks($0, depth: depth + 1) } ?? []
        }
    }

    static func readFile(_ path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    static func resolve(_ path: String) -> String? { realPath(path) }

    /// glibc's gnu_dev_major and gnu_dev_minor (macros Swift cannot import).
    static func major(_ device: dev_t) -> UInt64 {
        let value = UInt64(device)
        return ((value >> 8) & 0xFFF) | ((value >> 32) & ~UInt64(0xFFF))
    }

    static func minor(_ device: dev_t) -> UInt64 {
        let value = UInt64(device)
        return (value & 0xFF) | ((value >> 12) & ~UInt64(0xFF))
    }
}
