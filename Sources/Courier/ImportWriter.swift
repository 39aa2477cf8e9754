#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import PSRDStore

/// Writes an import's staging files on a thread of its own, from a few reused 1 MiB buffers,
/// so that reading and decrypting the bundle (one core) and writing the blocks (the other)
/// overlap; each finished block's writeback is started at once, so the final fsyncs wait for
/// little. Memory is `depth` buffers at any bundle size.
///
/// A thread and a condition rather than tasks, for the reason `IssueFeed` gives: both sides
/// block in system calls.
final class ImportWriter: @unchecked Sendable {
    struct Item {
        let buffer: Int
        let count: Int
        let file: Int
        /// The last bytes of the file: start its writeback.
        let ends: Bool
    }

    let bufferSize: Int
    private let descriptors: [Int32]
    private let paths: [String]
    private let condition = NSCondition()
    private var buffers: [UnsafeMutableRawBufferPointer]
    private var free: [Int]
    private var queue: [Item] = []
    private var failure: BundleError?
    private var closed = false
    private var done = false
    private var offsets: [Int]

    init(descriptors: [Int32], paths: [String], bufferSize: Int = 1 << 20, depth: Int = 4) {
        self.descriptors = descriptors
        self.paths = paths
        self.bufferSize = bufferSize
        buffers = (0..<depth).map { _ in .allocate(byteCount: bufferSize, alignment: 64) }
        free = Array(0..<depth)
        offsets = Array(repeating: 0, count: descriptors.count)
        Thread { [self] in drain() }.start()
    }

    deinit {
        for buffer in buffers {
            // PSRD plaintext: zero before returning the memory.
            buffer.initializeMemory(as: UInt8.self, repeating: 0)
            buffer.deallocate()
        }
    }

    /// A free buffer to fill (waits for one); throws the writer's failure.
    func acquire() throws(BundleError) -> (Int, UnsafeMutableRawBufferPointer) {
        condition.lock()
        defer { condition.unlock() }
        while free.isEmpty && failure == nil { condition.wait() }
        if let failure { throw failure }
        let index = free.removeFirst()
        return (index, buffers[index])
    }

    /// Queues `count` bytes of buffer `index` for the end of file `file`.
    func submit(_ index: Int, count: Int, file: Int, ends: Bool) throws(BundleError) {
        condition.lock()
        defer { condition.unlock() }
        if let failure { throw failure }
        queue.append(Item(buffer: index, count: count, file: file, ends: ends))
        condition.broadcast()
    }

    /// Gives a buffer back unused.
    func release(_ index: Int) {
        condition.lock()
        free.append(index)
        condition.broadcast()
        condition.unlock()
    }

    /// Waits until everything queued is written (or, with `abandon`, until the thread stops),
    /// then reports the first failure.
    func finish(abandon: Bool = false) throws(BundleError) {
        condition.lock()
        closed = true
        if abandon { queue.removeAll() }
        condition.broadcast()
        while !done { condition.wait() }
        let failure = self.failure
        condition.unlock()
        if let failure { throw failure }
    }

    private func drain() {
        while true {
            condition.lock()
            while queue.isEmpty && !closed && failure == nil { condition.wait() }
            if queue.isEmpty || failure != nil {
                done = true
                condition.broadcast()
                condition.unlock()
                return
            }
            let item = queue.removeFirst()
            condition.unlock()

            let error = write(item)

            condition.lock()
            free.append(item.buffer)
            if let error, failure == nil { failure = error }
            condition.broadcast()
            condition.unlock()
        }
    }

    private func write(_ item: Item) -> BundleError? {
        let fd = descriptors[item.file]
        do {
            try FileIO.writeAll(fd, UnsafeRawBufferPointer(rebasing: buffers[item.buffer][0..<item.count]), path: paths[item.file],
                                piece: NodeStore.blockWritePiece)
        } catch {
            return error
        }
        offsets[item.file] += item.count
        if item.ends { MediaSystemCalls.startWriteback(fd, offset: 0, length: offsets[item.file]) }
        return nil
    }
}
