import ArgumentParser
import Foundation

/// What every benchmark prints and computes the same way, so that figures from different
/// subcommands read alike in docs/performance.md.
enum BenchSupport {
    /// One figure as one line, `name: value unit` (whole numbers from 100 up, else 3 significant
    /// digits).
    static func report(_ name: String, _ value: Double, _ unit: String) {
        let text = value >= 100 ? String(Int(value.rounded())) : String(format: "%.3g", value)
        print("\(name): \(text) \(unit)")
    }

    /// The nearest-rank percentile (`p` from 0 to 1); NaN for no values.
    static func percentile(_ values: [Double], _ p: Double) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
    }

    /// Runs `body(1)` ... `body(count)` at once (one task each: the encryptor pairs of a parallel
    /// run) and waits for all; the first error ends the run.
    static func concurrently(_ count: Int, _ body: @escaping @Sendable (Int) async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 1...count { group.addTask { try await body(index) } }
            try await group.waitForAll()
        }
    }

    /// CPU seconds (user + system) this process has used so far.
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1_000_000
    }

    /// A new private directory under the system's temporary directory, e.g. `dske-bench-tls.XXXXXX`.
    static func scratchDirectory(prefix: String) throws -> String {
        var template = Array("\(NSTemporaryDirectory())/\(prefix).XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw ValidationError("cannot create a scratch directory") }
        return String(cString: made)
    }

    /// The (key_ID, key) pairs of an ETSI key container; nil when the body is not one.
    static func keyPairs(fromContainer bytes: some Sequence<UInt8>) -> [(String, String)]? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
              let keys = object["keys"] as? [[String: Any]] else { return nil }
        return keys.compactMap { key in
            guard let id = key["key_ID"] as? String, let value = key["key"] as? String else { return nil }
            return (id, value)
        }
    }
}
