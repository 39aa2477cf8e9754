#if canImport(Darwin)
import Darwin
#else
import Glibc
#endif
import DSKECore
import Foundation
import PSRDStore
import Testing

/// Runs the `psrd-torture` child, SIGKILLs it at random instants (seeded), restarts it, and
/// checks across all runs that no allocation overlaps an earlier one, no range taken before a
/// crash is taken again after it, and the store opens every time.
@Suite(.serialized) struct CrashTests {
    static let kills = 45

    @Test func killNineAtRandomInstantsNeverReusesAByte() async throws {
        let torture = try TortureExecutable.locate()
        let directory = try TemporaryDirectory()
        let storePath = directory.path + "/store"
        var random = CrashTestRandom(seed: 20_251_125)

        var allocated: [UUID: IntervalSet] = [:]
        var accepted: [UUID: IntervalSet] = [:]
        var recentTakes: [String] = []
        var senderPosition = 0
        var opens = 0, runs = 0, killed = 0, retriesRefused = 0, allocations = 0, takes = 0

        /// One run: returns its stdout lines. `mode` decides how it ends.
        func run(_ mode: RunMode) throws -> [String] {
            runs += 1
            var arguments = [storePath, "client", "--take-from", String(senderPosition)]
            for text in recentTakes.suffix(3) { arguments += ["--retry", text] }
            if case .clean(let ops) = mode { arguments += ["--ops", String(ops)] }
            let child = try ChildProcess(executable: torture, arguments: arguments, directory: directory.path, run: runs)
            switch mode {
            case .clean:
                child.wait()
                #expect(child.exitStatus == 0, "run \(runs) exited with \(child.exitStatus): \(child.errorOutput())")
            case .killEarly(let microseconds):
                usleep(microseconds)
                child.kill()
                killed += 1
            case .killAfterOpen(let microseconds):
                _ = child.waitForLine("OPEN")
                usleep(microseconds)
                child.kill()
                killed += 1
            }
            return child.outputLines()
        }

        func check(_ lines: [String]) {
            for line in lines {
                let fields = line.split(separator: " ").map(String.init)
                switch fields.first {
                case "OPEN":
                    opens += 1
                case "OPENFAIL":
                    Issue.record("run \(runs): the store did not open: \(line)")
                case "A":
                    guard let allocation = try? Allocation(encoded: fields[1]) else {
                        Issue.record("run \(runs): unparsable line \(line)"); continue
                    }
                    allocations += 1
                    for fragment in allocation.fragments {
                        let range = fragment.start..<fragment.end
                        #expect(!allocated[fragment.blockUUID, default: IntervalSet()].overlaps(range),
                                "run \(runs): allocation \(fragment.encoded) overlaps an earlier one")
                        allocated[fragment.blockUUID, default: IntervalSet()].insert(range)
                    }
                case "T":
                    guard fields.count == 3, let allocation = try? Allocation(encoded: fields[1]),
                          let end = Int(fields[2]) else {
                        Issue.record("run \(runs): unparsable line \(line)"); continue
                    }
                    takes += 1
                    for fragment in allocation.fragments {
                        let range = fragment.start..<fragment.end
                        #expect(!accepted[fragment.blockUUID, default: IntervalSet()].overlaps(range),
                                "run \(runs): range \(fragment.encoded) was accepted twice")
                        accepted[fragment.blockUUID, default: IntervalSet()].insert(range)
                    }
                    recentTakes.append(fields[1])
                    senderPosition = max(senderPosition, end)
                case "S":
                    if fields.count == 2, let position = Int(fields[1]) { senderPosition = max(senderPosition, position) }
                case "U":
                    break  // the sender named a range the store already had: refused, as it should be
                case "R":
                    #expect(fields[1] == "refused", "run \(runs): a range accepted before a crash was accepted again: \(line)")
                    if fields[1] == "refused" { retriesRefused += 1 }
                case "X":
                    Issue.record("run \(runs): handed-out bytes differ from the block content: \(line)")
                case "DONE":
                    break
                default:
                    // A kill can cut the last line short; anything else is a defect.
                    if line != lines.last { Issue.record("run \(runs): unexpected line \(line)") }
                }
            }
        }

        // First start adds the blocks; the kills then land anywhere, including during open.
        check(try run(.clean(ops: 20)))
        while killed < Self.kills {
            let dice = random.next() % 10
            if dice == 0 {
                check(try run(.clean(ops: 10 + Int(random.next() % 50))))
            } else if dice == 1 {
                check(try run(.killEarly(microseconds: UInt32(random.next() % 30_000))))
            } else {
                check(try run(.killAfterOpen(microseconds: UInt32(random.next() % 50_000))))
            }
        }
        let before = opens
        check(try run(.clean(ops: 50)))
        #expect(opens == before + 1, "the store must open after the last crash")

        print("crash test: \(runs) runs, \(killed) kills, \(opens) opens, \(allocations) allocations, "
              + "\(takes) takes, \(retriesRefused) re-tries refused")
        // Enough happened for the checks above to mean something.
        #expect(allocations > 200 && takes > 200, "too little work between kills: \(allocations) allocations, \(takes) takes")
        #expect(retriesRefused > 0)

        // And the store still opens in this process, with consistent levels.
        let store = try await NodeStore(directory: storePath, localRole: .client)
        let reopened = await store.levels()
        try await store.close()
        #expect(!reopened.isEmpty)
        for level in reopened {
            #expect(level.unusedBytes >= 0 && level.unusedBytes <= level.totalBytes)
        }
    }
}

private enum RunMode {
    case clean(ops: Int)
    case killEarly(microseconds: UInt32)
    case killAfterOpen(microseconds: UInt32)
}

/// Deterministic, so a failing sequence of kills reproduces.
private struct CrashTestRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
