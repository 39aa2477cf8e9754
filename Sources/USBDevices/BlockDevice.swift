/// A block device from /sys/block, with its partitions and where they are mounted.
public struct BlockDevice: Codable, Equatable, Sendable {
    /// Kernel name, e.g. "sdb".
    public var name: String
    /// Device node, e.g. "/dev/sdb".
    public var path: String
    /// /sys/block/NAME/removable. USB SSD enclosures say 0: see `transport`.
    public var removable: Bool
    /// How the device is attached, from its sysfs path: "usb", "sata", "nvme", "virtio", "mmc",
    /// or nil (loop devices and other virtual ones).
    public var transport: String?
    public var sizeBytes: UInt64
    public var vendor: String?
    public var model: String?
    public var readOnly: Bool
    /// Mount points of the whole device (a stick formatted without a partition table).
    public var mountPoints: [String]
    public var partitions: [BlockPartition]

    /// What the courier calls removable media: flagged removable, or on USB whatever the flag says.
    public var isRemovableMedia: Bool { removable || transport == "usb" }

    /// Every mount point of the device and its partitions.
    public var allMountPoints: [String] { mountPoints + partitions.flatMap(\.mountPoints) }

    enum CodingKeys: String, CodingKey {
        case name, path, removable, transport, vendor, model, partitions
        case sizeBytes = "size_bytes"
        case readOnly = "read_only"
        case mountPoints = "mount_points"
    }
}

/// One partition of a block device.
public struct BlockPartition: Codable, Equatable, Sendable {
    public var name: String
    public var path: String
    public var sizeBytes: UInt64
    public var mountPoints: [String]
    /// File system type of the first mount, when mounted.
    public var fileSystem: String?

    enum CodingKeys: String, CodingKey {
        case name, path
        case sizeBytes = "size_bytes"
        case mountPoints = "mount_points"
        case fileSystem = "file_system"
    }
}
