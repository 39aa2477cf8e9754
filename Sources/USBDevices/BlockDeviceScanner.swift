import Foundation

/// Reads block devices from sysfs and their mounts from mountinfo. The roots are parameters so
/// tests can point the scanner at fixture trees.
public struct BlockDeviceScanner: Sendable {
    public var sysRoot: String
    public var mountInfoPath: String
    public var devRoot: String

    public init(sysRoot: String = "/sys", mountInfoPath: String = "/proc/self/mountinfo", devRoot: String = "/dev") {
        self.sysRoot = sysRoot
        self.mountInfoPath = mountInfoPath
        self.devRoot = devRoot
    }

    /// Every block device except RAM disks, sorted by name.
    public func scan() -> [BlockDevice] {
        let mounts = MountEntry.parse((try? String(contentsOfFile: mountInfoPath, encoding: .utf8)) ?? "")
        let blockDirectory = sysRoot + "/block"
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: blockDirectory)) ?? [])
            .filter { !$0.hasPrefix("ram") && !$0.hasPrefix("zram") }
            .sorted()
        return names.map { device(named: $0, in: blockDirectory, mounts: mounts) }
    }

    /// The devices the courier may write bundles to: removable, or attached over USB.
    public func removableDevices() -> [BlockDevice] {
        scan().filter(\.isRemovableMedia)
    }

    func device(named name: String, in blockDirectory: String, mounts: [MountEntry]) -> BlockDevice {
        let directory = blockDirectory + "/" + name
        let partitionNames = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { FileManager.default.fileExists(atPath: directory + "/" + $0 + "/partition") }
            .sorted()
        let partitions = partitionNames.map { part -> BlockPartition in
            let own = mounts.filter { $0.device == read(directory + "/" + part + "/dev") }
            return BlockPartition(name: part, path: devRoot + "/" + part,
                                  sizeBytes: sectors(directory + "/" + part + "/size"),
                                  mountPoints: own.map(\.mountPoint), fileSystem: own.first?.fileSystem)
        }
        let own = mounts.filter { $0.device == read(directory + "/dev") }
        return BlockDevice(name: name, path: devRoot + "/" + name,
                           removable: read(directory + "/removable") == "1",
                           transport: transport(of: name, directory: directory),
                           sizeBytes: sectors(directory + "/size"),
                           vendor: nonEmpty(read(directory + "/device/vendor")),
                           model: nonEmpty(read(directory + "/device/model")),
                           readOnly: read(directory + "/ro") == "1",
                           mountPoints: own.map(\.mountPoint), partitions: partitions)
    }

    /// The attachment from the device's place in the sysfs tree, as lsblk's TRAN column does.
    func transport(of name: String, directory: String) -> String? {
        if name.hasPrefix("nvme") { return "nvme" }
        if name.hasPrefix("mmcblk") { return "mmc" }
        guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: directory) else { return nil }
        let components = target.split(separator: "/").map(String.init)
        if components.contains(where: { $0.hasPrefix("usb") && $0.dropFirst(3).allSatisfy(\.isNumber) && $0.count > 3 }) {
            return "usb"
        }
        if components.contains(where: { $0.hasPrefix("virtio") }) { return "virtio" }
        if components.contains(where: { $0.hasPrefix("ata") && $0.dropFirst(3).allSatisfy(\.isNumber) }) { return "sata" }
        return nil
    }

    private func read(_ path: String) -> String? {
        (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func sectors(_ path: String) -> UInt64 {
        (read(path).flatMap { UInt64($0) } ?? 0) * 512
    }

    private func nonEmpty(_ text: String?) -> String? {
        guard let text, !text.isEmpty else { return nil }
        return text
    }
}
