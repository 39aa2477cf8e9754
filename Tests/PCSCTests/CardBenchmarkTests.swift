import Foundation
import Testing
@testable import PCSC

extension RealCardTests {
    /// Figures for docs/smart-cards.md, printed as `name: value unit`; run with
    /// DSKE_CARD_BENCH=1 swift test --filter CardBenchmark. Asserts only that the data round-trips.
    @Suite(.enabled(if: ProcessInfo.processInfo.environment["DSKE_CARD_BENCH"] != nil))
    struct CardBenchmark {
        static func seconds(_ body: () throws -> Void) rethrows -> Double {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        }

        static func report(_ name: String, _ value: Double, _ unit: String) {
            print("\(name): \(String(format: "%.3f", value)) \(unit)")
        }

        @Test(arguments: [true, false])
        func enrolReadWrite(extended: Bool) throws {
            let mode = extended ? "extended" : "short"
            try VirtualCard.with(extended: extended) { card in
                let (_, dske) = try RealCardTests.open(card)
                let enrolTime = try CardBenchmark.seconds { try RealCardTests.enrol(dske) }
                CardBenchmark.report("card_enrol_\(mode)", enrolTime * 1000, "ms")
                print("card_enrol_\(mode)_apdus: \(dske.statistics.commands) APDUs")

                dske.channel.resetStatistics()
                let keyTime = try CardBenchmark.seconds { _ = try dske.readEnrolmentKey(pin: RealCardTests.pin) }
                CardBenchmark.report("card_read_key_\(mode)", keyTime * 1000, "ms")
                print("card_read_key_\(mode)_apdus: \(dske.statistics.commands) APDUs")

                for size in [4_096, 16_384, 60_000] {
                    let bundle = RealCardTests.Bundles.bundle(size, seed: UInt8(size & 0xFF))
                    dske.channel.resetStatistics()
                    let write = try CardBenchmark.seconds { try dske.writeBundle(bundle, pin: RealCardTests.pin) }
                    let writeStats = dske.statistics
                    dske.channel.resetStatistics()
                    var back: [UInt8]?
                    let read = try CardBenchmark.seconds { back = try dske.readBundle(pin: RealCardTests.pin) }
                    let readStats = dske.statistics
                    #expect(back == bundle)
                    let kib = Double(size) / 1024
                    CardBenchmark.report("card_write_bundle_\(size)_\(mode)", write * 1000, "ms")
                    CardBenchmark.report("card_write_bundle_\(size)_\(mode)_rate", kib / write, "KiB/s")
                    print("card_write_bundle_\(size)_\(mode)_apdus: \(writeStats.commands) APDUs")
                    print("card_write_bundle_\(size)_\(mode)_largest_command: \(writeStats.largestCommand) bytes")
                    CardBenchmark.report("card_write_bundle_\(size)_\(mode)_bytes_per_apdu",
                                         Double(writeStats.bytesSent) / Double(writeStats.commands), "bytes")
                    CardBenchmark.report("card_read_bundle_\(size)_\(mode)", read * 1000, "ms")
                    CardBenchmark.report("card_read_bundle_\(size)_\(mode)_rate", kib / read, "KiB/s")
                    print("card_read_bundle_\(size)_\(mode)_apdus: \(readStats.commands) APDUs")
                    print("card_read_bundle_\(size)_\(mode)_largest_response: \(readStats.largestResponse) bytes")
                }
            }
        }
    }
}
