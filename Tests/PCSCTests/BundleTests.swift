import Foundation
import Testing
@testable import PCSC

extension RealCardTests {
    @Suite struct Bundles {
        static func bundle(_ size: Int, seed: UInt8) -> [UInt8] {
            (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ Int(seed)) }
        }

        @Test func roundTripReplaceAndDelete() throws {
            try VirtualCard.with { card in
                let (_, dske) = try RealCardTests.open(card)
                try RealCardTests.enrol(dske)
                #expect(try dske.readBundle(pin: RealCardTests.pin) == nil)
                let first = Bundles.bundle(40_000, seed: 1)   // past offset 32767: odd-INS reads and writes
                try dske.writeBundle(first, pin: RealCardTests.pin)
                #expect(try dske.readBundle(pin: RealCardTests.pin) == first)
                #expect(try dske.space().bundleSize == 40_000)
                // Replacing: both do not fit side by side in 64 KiB, so the old one goes first.
                let second = Bundles.bundle(30_000, seed: 2)
                try dske.writeBundle(second, pin: RealCardTests.pin)
                #expect(try dske.readBundle(pin: RealCardTests.pin) == second)
                let third = Bundles.bundle(1_000, seed: 3)
                try dske.writeBundle(third, pin: RealCardTests.pin)
                #expect(try dske.readBundle(pin: RealCardTests.pin) == third)
                let space = try dske.space()
                #expect(space.bundleSize == 1_000 && space.bundleSlots == 1_000)
                try dske.deleteBundle(pin: RealCardTests.pin)
                #expect(try dske.readBundle(pin: RealCardTests.pin) == nil)
                #expect(try dske.space().bundleSlots == 0)
                // Reading the bundle needs the PIN.
                #expect(throws: PCSCError.wrongPIN(triesLeft: 2)) {
                    try dske.readBundle(pin: try CardPIN("000000"))
                }
            }
        }

        @Test func shortAPDUCardRoundTrip() throws {
            try VirtualCard.with(extended: false) { card in
                let (_, dske) = try RealCardTests.open(card)
                try RealCardTests.enrol(dske)
                #expect(!dske.channel.limits.extended)
                let bundle = Bundles.bundle(2_000, seed: 9)
                dske.channel.resetStatistics()
                try dske.writeBundle(bundle, pin: RealCardTests.pin)
                #expect(try dske.readBundle(pin: RealCardTests.pin) == bundle)
                // No APDU above the short limits: 5 header bytes + 255 data, 255 data + SW.
                #expect(dske.statistics.largestCommand <= 260)
                #expect(dske.statistics.largestResponse <= 257)
            }
        }

        @Test func cardFullSaysHowMuchFits() throws {
            try VirtualCard.with(capacity: 4096) { card in
                let (_, dske) = try RealCardTests.open(card)
                try RealCardTests.enrol(dske)
                let space = try dske.space()
                let largest = try #require(space.largestBundle)
                #expect(space.capacity == 4096 && largest < 4096 && largest > 3800)
                do {
                    try dske.writeBundle(Bundles.bundle(5_000, seed: 4), pin: RealCardTests.pin)
                    Issue.record("a bundle larger than the card was accepted")
                } catch let error as PCSCError {
                    #expect(error == .cardFull(needed: 5_000, available: largest))
                    #expect(error.description == "card full: needs 5000 bytes, \(largest) bytes free")
                }
                // Exactly what it said fits, fits.
                let fitting = Bundles.bundle(largest, seed: 5)
                try dske.writeBundle(fitting, pin: RealCardTests.pin)
                #expect(try dske.readBundle(pin: RealCardTests.pin) == fitting)
                #expect(try dske.space().free == 0)
            }
        }
    }
}
