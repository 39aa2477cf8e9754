import Foundation

/// Generates an issue's payload on a thread of its own, into a few reused buffers, so that the
/// kernel's RNG (about one core's worth, the bound of the whole issue) and the sealing and
/// writing (the other core) overlap instead of taking turns. Memory is `depth` buffers at any
/// size.
///
/// A thread and a condition rather than tasks: both sides make blocking system calls
/// (getrandom, a QRNG read, write to a slow stick) that must not occupy the cooperative pool.
/// The entropy source is not Sendable; after `init` only the producer thread touches it, which
/// is why the class is `@unchecked Sendable`.
final class IssueFeed: @unchecked Sendable {
    let total: Int
    let bufferSize: Int
    private let source: any EntropySource
    private let condition = NSCondition()
    private var buffers: [UnsafeMutableRawBufferPointer]
    /// Filled buffers in order: index into `buffers` and byte count.
    private var filled: [(Int, Int)] = []
    private var free: [Int]
    private var failure: EntropyError?
    private var cancelled = false
    private var producerDone = false
    private var produced = 0
    private var held: Int?
    private var thread: Thread?

    init(source: any EntropySource, total: Int, bufferSize: Int = 1 << 20, depth: Int = 4) {
        self.source = source
        self.total = total
        self.bufferSize = bufferSize
        buffers = (0..<depth).map { _ in .allocate(byteCount: bufferSize, alignment: 64) }
        free = Array(0..<depth)
    }

    deinit {
        cancel()
        for buffer in buffers {
            // PSRD plaintext: zero before returning the memory.
            buffer.initializeMemory(as: UInt8.self, repeating: 0)
            buffer.deallocate()
        }
    }

    func start() {
        let thread = Thread { [self] in produce() }
        thread.name = "psrd-courier entropy"
        self.thread = thread
        thread.start()
    }

    /// The next filled buffer (valid until the following `next`), nil after the last one.
    /// Throws the entropy source's failure.
    func next() throws(EntropyError) -> UnsafeRawBufferPointer? {
        condition.lock()
        defer { condition.unlock() }
        if let held {
            free.append(held)
            self.held = nil
            condition.broadcast()
        }
        while filled.isEmpty && failure == nil && !producerDone {
            condition.wait()
        }
        if let failure { throw failure }
        guard !filled.isEmpty else { return nil }
        let (index, count) = filled.removeFirst()
        held = index
        return UnsafeRawBufferPointer(rebasing: buffers[index][0..<count])
    }

    /// Stops the producer and waits for it to let go of the buffers.
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        while thread != nil && !producerDone { condition.wait() }
        condition.unlock()
    }

    private func produce() {
        while true {
            condition.lock()
            while free.isEmpty && !cancelled { condition.wait() }
            if cancelled || produced >= total {
                producerDone = true
                condition.broadcast()
                condition.unlock()
                return
            }
            let index = free.removeFirst()
            let count = min(bufferSize, total - produced)
            produced += count
            condition.unlock()

            var error: EntropyError?
            do {
                try source.fill(UnsafeMutableRawBufferPointer(rebasing: buffers[index][0..<count]))
            } catch let caught {
                error = caught
            }

            condition.lock()
            if let error {
                failure = error
                producerDone = true
                condition.broadcast()
                condition.unlock()
                return
            }
            filled.append((index, count))
            condition.broadcast()
            condition.unlock()
        }
    }
}
