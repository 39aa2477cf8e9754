/// Holds the first `count` requests whose path ends with one of `suffixes` until `open()`: lets
/// a test keep a client's messages to a hub in flight while more key requests arrive.
actor ProxyGate {
    private let suffixes: [String]
    private var toHold: Int
    private var isOpen = false
    private var waiters: [CheckedContinuation<Void, Never>] = []
    /// Requests held so far.
    private(set) var held = 0
    /// Every path the proxy forwarded, in arrival order.
    private(set) var paths: [String] = []

    init(holding count: Int, of suffixes: [String]) {
        self.toHold = count
        self.suffixes = suffixes
    }

    /// Returns when the request may go on: at once, or when the gate opens.
    func pass(_ path: String) async {
        paths.append(path)
        guard !isOpen, toHold > 0, suffixes.contains(where: { path.hasSuffix($0) }) else { return }
        toHold -= 1
        held += 1
        await withCheckedContinuation { waiters.append($0) }
    }

    func open() {
        isOpen = true
        for waiter in waiters { waiter.resume() }
        waiters = []
    }
}
