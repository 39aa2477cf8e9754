import Foundation

/// A stand-in USB stick: an image file mounted through devices/usb (ext4 on a loop device, or
/// FAT through fusefat), unmounted and deleted when the test lets go of it. A machine that
/// refuses the mount fails the test with the reason: never a silent skip.
final class Stick: @unchecked Sendable {
    enum Kind: String { case ext4, vfat }

    let image: String
    let mountPoint: String
    let kind: Kind

    struct MountRefused: Error, CustomStringConvertible {
        let description: String
    }

    /// `size` as truncate(1) reads it: 16M, 1G.
    init(kind: Kind, size: String, in directory: String, readOnly: Bool = false) throws {
        self.kind = kind
        image = directory + "/stick-\(kind.rawValue).img"
        mountPoint = directory + "/stick-\(kind.rawValue)"
        let script = Command.usbScript(kind == .ext4 ? "make-ext4-stick.sh" : "make-vfat-stick.sh")
        let arguments = [image, size, mountPoint] + (readOnly ? ["ro"] : [])
        let result = try Command.run(script, arguments)
        guard result.succeeded else {
            throw MountRefused(description: "cannot mount a \(kind.rawValue) stick image (\(script)): \(result.stderr.trimmingCharacters(in: .whitespacesAndNewlines)) — these tests need root and loop mounts/FUSE")
        }
    }

    /// Unmounts (like pulling the stick after eject); idempotent.
    func unmount() {
        _ = try? Command.run(Command.usbScript("unmount-stick.sh"), [mountPoint])
    }

    deinit {
        unmount()
        try? FileManager.default.removeItem(atPath: image)
    }
}
