import ArgumentParser
import DSKECore
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

    /// Microseconds for one Shamir split + reconstruct (256-bit key, n = 5, k = 3), as `dske-bench
    /// crypto` measures it, in short rounds: how fast this machine is right now. The network's
    /// figures are CPU bound, and this machine kind has run 1.5-2.5 times slower from one day (or
    /// minute) to the next; reported beside them, it tells a slower machine from slower code.
    static func machineSpeedMicroseconds() throws -> Double {
        let secret = SecureRandom.bytes(32)
        let bench = Bench(round: .milliseconds(40))
        let nanoseconds = try bench.measure { try splitAndReconstruct(secret) }
        bench.finish()
        return nanoseconds / 1000
    }

    /// The `dske-bench crypto` headline work: `secret` split over n = 5 with k = 3 and rebuilt;
    /// a byte of the result, for `Bench`'s sink.
    static func splitAndReconstruct(_ secret: [UInt8]) throws -> UInt8 {
        try Shamir.reconstruct(try Shamir.split(secret: secret, shareCount: 5, threshold: 3), threshold: 3)[0]
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
    static func keyPairs(fromContainer bytes: some Collection<UInt8>) -> [(String, String)]? {
        let body = Array(bytes)
        return scanKeyPairs(body) ?? parsedKeyPairs(body)
    }

    /// The container as the KMEs write it (compact, `key_ID` then `key`, no escapes, no
    /// extensions), scanned without a parser: the bench stands for external encryptors, and
    /// Foundation's `JSONSerialization` of a 128-key answer made the driver a visible part of the
    /// CPU per batch pair. Nil for any other form.
    static func scanKeyPairs(_ body: [UInt8]) -> [(String, String)]? {
        body.withUnsafeBufferPointer { body -> [(String, String)]? in
            var position = 0
            func expect(_ text: StaticString) -> Bool {
                let count = text.utf8CodeUnitCount
                guard body.count - position >= count,
                      memcmp(body.baseAddress! + position, text.utf8Start, count) == 0 else { return false }
                position += count
                return true
            }
            func string() -> String? {
                let start = position
                while position < body.count, body[position] != UInt8(ascii: "\""), body[position] != UInt8(ascii: "\\") {
                    position += 1
                }
                guard position < body.count, body[position] == UInt8(ascii: "\"") else { return nil }
                position += 1
                return String(decoding: UnsafeBufferPointer(rebasing: body[start..<position - 1]), as: UTF8.self)
            }
            guard expect("{\"keys\":[") else { return nil }
            var pairs: [(String, String)] = []
            if expect("]}") { return position == body.count ? pairs : nil }
            repeat {
                guard expect("{\"key_ID\":\""), let id = string(), expect(",\"key\":\""), let key = string(), expect("}") else {
                    return nil
                }
                pairs.append((id, key))
            } while expect(",")
            return expect("]}") && position == body.count ? pairs : nil
        }
    }

    static func parsedKeyPairs(_ body: [UInt8]) -> [(String, String)]? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
              let keys = object["keys"] as? [[String: Any]] else { return nil }
        return keys.compactMap { key in
            guard let id = key["key_ID"] as? String, let value = key["key"] as? String else { return nil }
            return (id, value)
        }
    }
}
