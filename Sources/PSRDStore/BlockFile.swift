#if canImport(Darwin)
import Darwin
#else
import Glibc
#endif
import Foundation

/// One block file mapped into memory (MAP_SHARED), so handing out bytes costs a copy and a zero
/// fill, with no system call. The zeroed pages reach the disk when `sync` runs with the next mark
/// persist (or whenever the kernel writes them back); a crash before that is covered by erasing
/// everything below the marks on the next open.
final class BlockFile {
    let uuid: UUID
    let size: Int
    let path: String
    /// The mark persisted in the database: own blocks never hand out a byte at or above it, peer
    /// blocks never accept one, until a larger mark is committed.
    var mark: Int
    private let base: UnsafeMutableRawPointer
    private var dirtyLow = Int.max
    private var dirtyHigh = 0
    /// Pages were read or written since they were last released.
    private var touched = false
    /// Pages below this offset were released by `releasePages(below:)`.
    private var releasedBelow = 0

    private static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    /// Maps the file at `path`, which must be exactly `size` bytes long.
    init(uuid: UUID, path: String, size: Int, mark: Int) throws(StoreError) {
        let fd = try Posix.openFile(path, O_RDWR)
        defer { close(fd) }
        let actual = try Posix.fileSize(fd, path: path)
        guard actual == size else {
            throw .corrupt("block file \(path) has \(actual) bytes, the database says \(size)")
        }
        let mapped = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)
        guard let mapped, mapped != UnsafeMutableRawPointer(bitPattern: -1) else {
            throw Posix.fail("mmap", path)
        }
        self.uuid = uuid
        self.path = path
        self.size = size
        self.mark = mark
        self.base = mapped
    }

    deinit {
        munmap(base, size)
    }

    var isDirty: Bool { dirtyLow < dirtyHigh }

    /// Copies `count` bytes at `start` to `out` and zeroes them in the file.
    func consume(_ start: Int, _ count: Int, into out: UnsafeMutableRawPointer) {
        precondition(start >= 0 && count > 0 && start <= size - count, "consume outside the block")
        out.copyMemory(from: base + start, byteCount: count)
        (base + start).initializeMemory(as: UInt8.self, repeating: 0, count: count)
        noteDirty(start, start + count)
    }

    /// Copies `count` bytes at `start` to `out`, leaving them in place.
    func copy(_ start: Int, _ count: Int, into out: UnsafeMutableRawPointer) {
        precondition(start >= 0 && count > 0 && start <= size - count, "copy outside the block")
        out.copyMemory(from: base + start, byteCount: count)
        touched = true
    }

    /// Zeroes `range`, touching (and dirtying) only the pages that are not already zero, so
    /// re-erasing on every open costs reads, not writes.
    func erase(_ range: Range<Int>) {
        let range = range.clamped(to: 0..<size)
        touched = true  // read to find the pages not yet zero
        var offset = range.lowerBound
        while offset < range.upperBound {
            let end = min(range.upperBound, (offset / Self.pageSize + 1) * Self.pageSize)
            let slice = UnsafeRawBufferPointer(start: base + offset, count: end - offset)
            if slice.contains(where: { $0 != 0 }) {
                (base + offset).initializeMemory(as: UInt8.self, repeating: 0, count: end - offset)
                noteDirty(offset, end)
            }
            offset = end
        }
    }

    /// Writes the zeroed pages to disk and waits for it.
    func sync() throws(StoreError) {
        guard let range = takeDirtyRange() else { return }
        try syncPages(range)
        releasePages()
    }

    /// The dirty pages, forgotten here (the caller syncs them); nil when none.
    func takeDirtyRange() -> Range<Int>? {
        guard isDirty else { return nil }
        let range = (dirtyLow / Self.pageSize * Self.pageSize)..<dirtyHigh
        dirtyLow = Int.max
        dirtyHigh = 0
        return range
    }

    /// msync of `range` (page aligned). Safe from another thread while the store goes on using
    /// the mapping: it reads nothing of this object's state, and writes of zeroed pages meanwhile
    /// either make it into this sync or stay dirty for the next.
    func syncPages(_ range: Range<Int>) throws(StoreError) {
        if msync(base + range.lowerBound, range.count, MS_SYNC) != 0 { throw Posix.fail("msync", path) }
    }

    /// Unmaps the pages touched so far: otherwise every one stays in the node's resident set (10
    /// pools of a client held about 40 MB of consumed, zeroed pages). Nothing is lost: in a shared
    /// file mapping a dirty page stays dirty in the page cache and reaches the disk later, and a
    /// page still in use faults back in on its next access.
    func releasePages() {
        guard touched else { return }
        _ = madvise(base, size, MADV_DONTNEED)
        touched = false
    }

    /// Unmaps the whole pages below `offset`, a block's used frontier (below it every byte is
    /// used and zeroed, so nothing there is read or written again), once each. Unlike
    /// `releasePages` it never unmaps a page still in use: the next access to one of those
    /// faults it back in through the filesystem's write path, which cost a hub 14% of its CPU
    /// when every mark released every block.
    func releasePages(below offset: Int) {
        let end = min(offset, size) / Self.pageSize * Self.pageSize
        guard end > releasedBelow else { return }
        _ = madvise(base + releasedBelow, end - releasedBelow, MADV_DONTNEED)
        releasedBelow = end
    }

    private func noteDirty(_ low: Int, _ high: Int) {
        touched = true
        dirtyLow = min(dirtyLow, low)
        dirtyHigh = max(dirtyHigh, high)
    }
}
