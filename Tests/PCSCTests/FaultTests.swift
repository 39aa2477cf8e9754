import Foundation
import Testing
@testable import PCSC

extension RealCardTests {
    @Suite struct Faults {
        /// The card leaves the reader during a bundle write, at each UPDATE BINARY in turn: the
        /// card then holds the old bundle or none, never a mixture, never a part.
        @Test func cardPulledMidWriteLeavesOldOrAbsent() throws {
            try VirtualCard.with { card in
                let old = RealCardTests.Bundles.bundle(3_000, seed: 1)
                let new = RealCardTests.Bundles.bundle(20_000, seed: 2)
                do {
                    let (_, dske) = try RealCardTests.open(card)
                    try RealCardTests.enrol(dske)
                    try dske.writeBundle(old, pin: RealCardTests.pin)
                    dske.disconnect()
                }
                // With extended lengths the new bundle is one UPDATE BINARY, the commit record
                // the second. (after, tear) -> what the card must hold afterwards.
                let cases: [(after: Int, tear: Bool, expect: [UInt8]?)] = [
                    (0, false, old),   // pulled while writing the new slot
                    (0, true, old),    // ...with half of that chunk written
                    (1, false, old),   // pulled during the commit-record update, not applied
                    (1, true, nil),    // commit record torn: it fails its check, no bundle
                ]
                for scenario in cases {
                    // Start each scenario from the old bundle.
                    do {
                        let (_, dske) = try RealCardTests.open(card)
                        try dske.writeBundle(old, pin: RealCardTests.pin)
                        dske.disconnect()
                    }
                    try card.pull(afterUpdates: scenario.after, tear: scenario.tear)
                    let (_, dske) = try RealCardTests.open(card)
                    #expect(throws: PCSCError.cardRemoved, "after \(scenario.after), tear \(scenario.tear)") {
                        try dske.writeBundle(new, pin: RealCardTests.pin)
                    }
                    dske.disconnect()
                    try card.insert()
                    let (_, reader) = try RealCardTests.open(card)
                    let found = try reader.readBundle(pin: RealCardTests.pin)
                    let summary = found.map { "\($0.count) bytes" } ?? "none"
                    #expect(found == scenario.expect, "after \(scenario.after), tear \(scenario.tear): \(summary)")
                    // And the card recovers: the next write succeeds and reads back.
                    try reader.writeBundle(new, pin: RealCardTests.pin)
                    #expect(try reader.readBundle(pin: RealCardTests.pin) == new)
                    reader.disconnect()
                }
            }
        }

        @Test func cardPulledDuringEnrolmentCanBeEnrolledAgain() throws {
            try VirtualCard.with { card in
                // Enrolment's updates: commit record, key, identity. Pull at the identity.
                try card.pull(afterUpdates: 2)
                do {
                    let (_, dske) = try RealCardTests.open(card)
                    #expect(throws: PCSCError.cardRemoved) { try RealCardTests.enrol(dske) }
                }
                try card.insert()
                let (_, dske) = try RealCardTests.open(card)
                #expect(try dske.status().state == .incomplete)
                #expect(throws: PCSCError.enrolmentIncomplete) { try dske.readEnrolmentKey(pin: RealCardTests.pin) }
                try RealCardTests.enrol(dske)
                #expect(try dske.status().state == .enrolled)
                #expect(RealCardTests.keyBytes(try dske.readEnrolmentKey(pin: RealCardTests.pin))
                        == RealCardTests.keyBytes(RealCardTests.key))
            }
        }

        @Test func noCardAndCardRemovedAndUnknownReader() throws {
            try VirtualCard.with { card in
                let context = try PCSCContext()
                let readers = try context.readers()
                #expect(readers.contains { $0.name == card.reader && $0.cardPresent && $0.atr == "3B8580018073C0214056" })
                let dske = try DSKECard.connect(context: context, reader: card.reader)
                _ = try dske.status()
                try card.pull()
                #expect(throws: PCSCError.cardRemoved) { try dske.status() }
                #expect(throws: PCSCError.noCard(reader: card.reader)) {
                    try DSKECard.connect(context: context, reader: card.reader)
                }
                #expect(try context.readers().first { $0.name == card.reader }?.cardPresent == false)
                #expect(throws: PCSCError.self) { try DSKECard.connect(context: context, reader: "No Such Reader 00 00") }
                do {
                    _ = try context.connect(reader: "No Such Reader 00 00")
                } catch let error as PCSCError {
                    guard case .readerNotFound(let name, let available) = error else {
                        Issue.record("expected readerNotFound, got \(error)")
                        return
                    }
                    #expect(name == "No Such Reader 00 00" && available.contains(card.reader))
                }
            }
        }

        @Test func pcscdNotRunningIsSaidPlainly() throws {
            // Only provable when no one else's pcscd runs: stopping another's daemon is not ours to do.
            let card = try VirtualCard()
            card.down()
            guard !VirtualCard.foreignPcscdRunning() else {
                print("pcscd started outside the tests is running: skipping the not-running check")
                return
            }
            do {
                _ = try PCSCContext()
                Issue.record("a PC/SC context was established with pcscd down")
            } catch let error as PCSCError {
                #expect(error == .serviceNotAvailable)
                #expect(error.description == "pcscd is not running: start it with `pcscd` (or devices/virtual-card/up)")
            }
        }
    }
}
