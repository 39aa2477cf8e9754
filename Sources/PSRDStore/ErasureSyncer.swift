#if canImport(Darwin)
import Darwin
#else
import Glibc
#endif
import Dispatch
import Logging

/// Writes the zeroed pages of block files to disk off the store's thread. A mark commit must wait
/// for the database (the marks are what keep a PSRD byte from being used twice after a crash),
/// but not for the erasures: they bound how long a used pad stays readable on the disk, and
/// waiting for them held an event loop for 0.3-22 ms per mark (a hub under batch load spent 6%
/// of its time blocked in msync). A sync queued here starts at once on its own thread; the bound
/// becomes "a chunk per block, plus the syncs in flight" (docs/store.md).
final class ErasureSyncer: Sendable {
    private let queue = DispatchQueue(label: "dske.psrd-store.erasures", qos: .utility)
    private let logger: Logger

    init(logger: Logger) { self.logger = logger }

    /// Syncs `range` (page aligned) of `file`, which stays mapped until the sync is done.
    func sync(_ file: BlockFile, _ range: Range<Int>) {
        let held = MappedRange(file: file, range: range)
        queue.async { [logger] in
            if let failure = held.sync() { logger.error("PSRD erasure sync failed: \(failure)") }
        }
    }

    /// Returns once every sync queued so far is done (a clean close waits for them).
    func drain() { queue.sync {} }

    /// The file is only read by the sync (the kernel writes its page cache): the store's thread
    /// may go on using the mapping meanwhile.
    private struct MappedRange: @unchecked Sendable {
        let file: BlockFile
        let range: Range<Int>

        func sync() -> StoreError? {
            do {
                try file.syncPages(range)
                return nil
            } catch {
                return error
            }
        }
    }
}
