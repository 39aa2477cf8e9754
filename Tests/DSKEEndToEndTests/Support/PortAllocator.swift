import Foundation

/// Hands each test its own range of loopback ports, so tests can run in parallel (and next to a
/// `make demo` on 8100). Ranges start from a per-process offset and skip any port that is taken.
actor PortAllocator {
    static let shared = PortAllocator()

    // Below Linux's ephemeral range (32768-60999) so outgoing connections never take them.
    private var next = 20_000 + Int(getpid() % 40) * 250

    func range(count: Int) -> Int {
        while true {
            let base = next
            next += count
            if next > 32_000 { next = 20_000 }
            if (base..<base + count).allSatisfy(Self.isFree) { return base }
        }
    }

    static func isFree(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}
