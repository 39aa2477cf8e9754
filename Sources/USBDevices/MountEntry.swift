/// One line of /proc/self/mountinfo (proc(5)): the fields the device scan needs.
public struct MountEntry: Equatable, Sendable {
    /// "major:minor" of the mounted device.
    public var device: String
    public var mountPoint: String
    public var fileSystem: String
    public var source: String

    /// Parses mountinfo text; malformed lines are skipped.
    public static func parse(_ text: String) -> [MountEntry] {
        text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            // id parent major:minor root mountpoint options [optional...] - fstype source superoptions
            guard fields.count >= 10, let dash = fields.firstIndex(of: "-"), dash >= 6,
                  dash + 2 < fields.count else { return nil }
            return MountEntry(device: fields[2], mountPoint: unescape(fields[4]),
                              fileSystem: fields[dash + 1], source: unescape(fields[dash + 2]))
        }
    }

    /// The kernel writes space, tab, newline and backslash as octal escapes (\040 ...).
    static func unescape(_ field: String) -> String {
        guard field.contains("\\") else { return field }
        var bytes: [UInt8] = []
        let raw = Array(field.utf8)
        var i = 0
        while i < raw.count {
            if raw[i] == UInt8(ascii: "\\"), i + 3 < raw.count,
               let value = UInt8(String(decoding: raw[(i + 1)...(i + 3)], as: UTF8.self), radix: 8) {
                bytes.append(value)
                i += 4
            } else {
                bytes.append(raw[i])
                i += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
