#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A progress bar for an import, drawn from a thread of its own that watches the staging files
/// grow: the importer streams in one call and reports nothing until it returns. Only stat(2)
/// of the files, ten times a second; nothing at all when stderr is not a terminal.
final class ImportProgress: @unchecked Sendable {
    private let paths: [String]
    private let bar: ProgressBar
    private let condition = NSCondition()
    private var stopped = false
    private var running = false

    init(label: String, paths: [String], total: Int, enabled: Bool) {
        self.paths = paths
        bar = ProgressBar(label: label, total: total, enabled: enabled)
    }

    func start() {
        guard bar.enabled else { return }
        running = true
        Thread { [self] in watch() }.start()
    }

    /// Stops the watcher; `completed` draws the bar full and ends its line, otherwise it is
    /// cleared for an error message.
    func stop(completed: Bool) {
        guard running else { return }
        condition.lock()
        stopped = true
        condition.broadcast()
        while running { condition.wait() }
        condition.unlock()
        if completed { bar.finish() } else { bar.clear() }
    }

    private func watch() {
        condition.lock()
        while !stopped {
            condition.unlock()
            bar.update(stagedBytes())
            condition.lock()
            if !stopped { _ = condition.wait(until: Date().addingTimeInterval(0.1)) }
        }
        running = false
        condition.broadcast()
        condition.unlock()
    }

    private func stagedBytes() -> Int {
        var total = 0
        for path in paths {
            var info = stat()
            if stat(path, &info) == 0 { total += Int(info.st_size) }
        }
        return total
    }
}
