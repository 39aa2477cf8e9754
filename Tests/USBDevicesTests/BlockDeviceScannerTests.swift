import Foundation
import Testing
@testable import USBDevices

@Suite struct BlockDeviceScannerTests {
    @Test func thisMachineHasNoRemovableDevice() {
        // Debian CI VMs: virtio disk, loop devices, no USB bus. Loop devices report removable 0.
        let removable = BlockDeviceScanner().removableDevices()
        #expect(removable.isEmpty, "found \(removable.map(\.name))")
        #expect(BlockDeviceScanner().scan().allSatisfy { !$0.name.hasPrefix("zram") && !$0.name.hasPrefix("ram") })
    }

    @Test func parsesAFixtureSysfsTree() throws {
        let fixture = try SysfsFixture()
        defer { fixture.remove() }
        // A USB stick with one mounted vfat partition (removable 1).
        try fixture.addDisk("sdb", devicePath: "pci0000:00/0000:00:14.0/usb2/2-1/2-1:1.0/host6/target6:0:0/6:0:0:0",
                            removable: true, sectors: 62_521_344, dev: "8:16", vendor: "SanDisk ", model: "Ultra Fit       ",
                            partitions: [("sdb1", "8:17", 62_519_296)])
        // A USB SSD in an enclosure that says removable 0, mounted without a partition table.
        try fixture.addDisk("sdc", devicePath: "pci0000:00/0000:00:14.0/usb3/3-2/3-2:1.0/host7/target7:0:0/7:0:0:0",
                            removable: false, sectors: 1_953_525_168, dev: "8:32", vendor: "Samsung", model: "PSSD T7",
                            partitions: [])
        // The internal SATA disk and a loop device: not removable media.
        try fixture.addDisk("sda", devicePath: "pci0000:00/0000:00:1f.2/ata1/host0/target0:0:0/0:0:0:0",
                            removable: false, sectors: 500_118_192, dev: "8:0", vendor: "ATA", model: "WDC",
                            partitions: [("sda1", "8:1", 500_000_000)])
        try fixture.addDisk("loop0", devicePath: "virtual", removable: false, sectors: 2048, dev: "7:0",
                            vendor: nil, model: nil, partitions: [])
        try fixture.addDisk("zram0", devicePath: "virtual", removable: false, sectors: 8, dev: "252:0",
                            vendor: nil, model: nil, partitions: [])
        try fixture.mountInfo("""
            22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
            95 22 8:17 / /media/carol/USB\\040STICK rw,nosuid,nodev,relatime shared:50 - vfat /dev/sdb1 rw,fmask=0022
            96 22 8:32 / /mnt/ssd rw,relatime shared:51 master:3 - exfat /dev/sdc rw
            97 22 7:0 / /mnt/loop rw,relatime - ext4 /dev/loop0 rw
            this line is not a mount
            """)
        let scanner = BlockDeviceScanner(sysRoot: fixture.sys, mountInfoPath: fixture.mountInfoPath, devRoot: "/dev")
        let all = scanner.scan()
        #expect(all.map(\.name) == ["loop0", "sda", "sdb", "sdc"])

        let removable = scanner.removableDevices()
        #expect(removable.map(\.name) == ["sdb", "sdc"])
        let stick = try #require(removable.first)
        #expect(stick.removable && stick.transport == "usb")
        #expect(stick.sizeBytes == 62_521_344 * 512)
        #expect(stick.vendor == "SanDisk" && stick.model == "Ultra Fit")
        #expect(stick.partitions == [BlockPartition(name: "sdb1", path: "/dev/sdb1", sizeBytes: 62_519_296 * 512,
                                                    mountPoints: ["/media/carol/USB STICK"], fileSystem: "vfat")])
        #expect(stick.allMountPoints == ["/media/carol/USB STICK"])
        let ssd = removable[1]
        #expect(!ssd.removable && ssd.transport == "usb" && ssd.mountPoints == ["/mnt/ssd"])

        let sata = try #require(all.first { $0.name == "sda" })
        #expect(sata.transport == "sata" && !sata.isRemovableMedia)
        #expect(sata.partitions.first?.mountPoints == ["/"])
        let loop = try #require(all.first { $0.name == "loop0" })
        #expect(loop.transport == nil && loop.mountPoints == ["/mnt/loop"])
    }

    @Test func mountInfoEscapesAndBadLines() {
        let entries = MountEntry.parse("""
            1 0 8:1 / /a\\011b\\134c rw - ext4 /dev/x\\040y rw
            2 1 8:2 / /short
            """)
        #expect(entries == [MountEntry(device: "8:1", mountPoint: "/a\tb\\c", fileSystem: "ext4", source: "/dev/x y")])
    }
}

/// A fake /sys with block devices as the kernel lays them out: /sys/block/NAME is a symlink
/// into /sys/devices/..., which holds removable, size, dev, ro, device/{vendor,model} and one
/// directory per partition.
struct SysfsFixture {
    let root: String
    var sys: String { root + "/sys" }
    var mountInfoPath: String { root + "/mountinfo" }

    init() throws {
        root = NSTemporaryDirectory() + "/sysfs-fixture-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root + "/sys/block", withIntermediateDirectories: true)
    }

    func addDisk(_ name: String, devicePath: String, removable: Bool, sectors: UInt64, dev: String,
                 vendor: String?, model: String?, partitions: [(String, String, UInt64)]) throws {
        let relative = devicePath == "virtual" ? "devices/virtual/block/\(name)" : "devices/\(devicePath)/block/\(name)"
        let directory = sys + "/" + relative
        try FileManager.default.createDirectory(atPath: directory + "/device", withIntermediateDirectories: true)
        try write(directory + "/removable", removable ? "1\n" : "0\n")
        try write(directory + "/size", "\(sectors)\n")
        try write(directory + "/dev", dev + "\n")
        try write(directory + "/ro", "0\n")
        if let vendor { try write(directory + "/device/vendor", vendor + "\n") }
        if let model { try write(directory + "/device/model", model + "\n") }
        for (part, partDev, partSectors) in partitions {
            try FileManager.default.createDirectory(atPath: directory + "/" + part, withIntermediateDirectories: true)
            try write(directory + "/" + part + "/partition", "1\n")
            try write(directory + "/" + part + "/dev", partDev + "\n")
            try write(directory + "/" + part + "/size", "\(partSectors)\n")
        }
        try FileManager.default.createSymbolicLink(atPath: sys + "/block/" + name, withDestinationPath: "../" + relative)
    }

    func mountInfo(_ text: String) throws { try write(mountInfoPath, text + "\n") }

    func remove() { try? FileManager.default.removeItem(atPath: root) }

    private func write(_ path: String, _ text: String) throws {
        try text.write(toFile: path, atomically: false, encoding: .utf8)
    }
}
