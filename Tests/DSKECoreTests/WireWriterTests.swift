import Foundation
import Testing
@testable import DSKECore

/// The writer's stack-buffer formatting must spell what the Codable path spells.
@Suite struct WireWriterTests {
    /// Integers as `String(value)` writes them (signs, every digit count, the extremes).
    @Test func integersAreWrittenAsStringWritesThem() {
        for value in [0, 1, 9, 10, 99, 100, 12345, Int.max, -1, -10, Int.min] + (0..<200).map({ _ in Int.random(in: 0...Int.max) }) {
            var writer = WireWriter()
            writer.integer(value)
            #expect(writer.bytes == Array(String(value).utf8))
        }
    }
}
