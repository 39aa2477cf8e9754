import Foundation
import Testing
@testable import PCSC

extension RealCardTests {
    @Suite struct PINs {
        @Test func wrongPINsCountDownBlockAndSurviveRemoval() throws {
            try VirtualCard.with { card in
                let (_, dske) = try RealCardTests.open(card)
                try RealCardTests.enrol(dske)
                let wrong = try CardPIN("999999")
                #expect(throws: PCSCError.wrongPIN(triesLeft: 2)) { try dske.readEnrolmentKey(pin: wrong) }
                #expect(try dske.status().pin == .triesLeft(2))
                dske.disconnect()

                // The counter lives in the card's memory: taking the card out does not reset it.
                try card.pull()
                try card.insert()
                let (_, again) = try RealCardTests.open(card)
                #expect(try again.status().pin == .triesLeft(2))
                #expect(throws: PCSCError.wrongPIN(triesLeft: 1)) { try again.readEnrolmentKey(pin: wrong) }
                // A right PIN restores the counter.
                _ = try again.readEnrolmentKey(pin: RealCardTests.pin)
                #expect(try again.status().pin == .triesLeft(3))
                for left in [2, 1] {
                    #expect(throws: PCSCError.wrongPIN(triesLeft: left)) { try again.readEnrolmentKey(pin: wrong) }
                }
                #expect(throws: PCSCError.pinBlocked) { try again.readEnrolmentKey(pin: wrong) }
                // Blocked means blocked, for the right PIN too.
                #expect(throws: PCSCError.pinBlocked) { try again.readEnrolmentKey(pin: RealCardTests.pin) }
                #expect(try again.status().pin == .blocked)
                #expect(PCSCError.pinBlocked.description == "the PIN is blocked: unblock it with the PUK")
            }
        }

        @Test func unblockWithThePUK() throws {
            try VirtualCard.with { card in
                let (_, dske) = try RealCardTests.open(card)
                try RealCardTests.enrol(dske)
                let wrong = try CardPIN("999999")
                for _ in 0..<3 { _ = try? dske.readEnrolmentKey(pin: wrong) }
                #expect(try dske.status().pin == .blocked)

                let badPUK = try CardPIN("00000000", kind: .puk)
                let newPIN = try CardPIN("8642")
                #expect(throws: PCSCError.wrongPUK(triesLeft: 2)) { try dske.unblockPIN(puk: badPUK, newPIN: newPIN) }
                #expect(try dske.status().puk == .triesLeft(2))
                try dske.unblockPIN(puk: RealCardTests.puk, newPIN: newPIN)
                let status = try dske.status()
                #expect(status.pin == .triesLeft(3) && status.puk == .triesLeft(3))
                #expect(throws: PCSCError.wrongPIN(triesLeft: 2)) { try dske.readEnrolmentKey(pin: RealCardTests.pin) }
                #expect(RealCardTests.keyBytes(try dske.readEnrolmentKey(pin: newPIN))
                        == RealCardTests.keyBytes(RealCardTests.key))
            }
        }

        @Test func changePINAndEraseRules() throws {
            try VirtualCard.with { card in
                let (_, dske) = try RealCardTests.open(card)
                try RealCardTests.enrol(dske)
                let newPIN = try CardPIN("13572468")
                #expect(throws: PCSCError.wrongPIN(triesLeft: 2)) {
                    try dske.changePIN(old: try CardPIN("000000"), new: newPIN)
                }
                try dske.changePIN(old: RealCardTests.pin, new: newPIN)
                _ = try dske.readEnrolmentKey(pin: newPIN)
                // Without the PIN, an enrolled card cannot be wiped...
                #expect(throws: PCSCError.self) { try dske.erase(pin: nil) }
                #expect(try dske.status().state == .enrolled)
                // ...with it, it can, and the key is gone.
                #expect(try dske.erase(pin: newPIN))
                #expect(try dske.status().state == .blank)
                #expect(try card.state()["app"] is NSNull)
                #expect(throws: PCSCError.notEnrolled) { try dske.readEnrolmentKey(pin: newPIN) }
                #expect(try dske.erase(pin: nil) == false)
            }
        }

        @Test func aCardWithPINAndPUKBlockedCanStillBeErased() throws {
            try VirtualCard.with { card in
                let (_, dske) = try RealCardTests.open(card)
                try RealCardTests.enrol(dske)
                for _ in 0..<3 { _ = try? dske.readEnrolmentKey(pin: try CardPIN("999999")) }
                let badPUK = try CardPIN("00000000", kind: .puk)
                for _ in 0..<3 { _ = try? dske.unblockPIN(puk: badPUK, newPIN: try CardPIN("1111")) }
                #expect(throws: PCSCError.pukBlocked) { try dske.unblockPIN(puk: RealCardTests.puk, newPIN: try CardPIN("1111")) }
                #expect(try dske.erase(pin: nil))
                // And the card takes a new enrolment.
                try RealCardTests.enrol(dske)
                #expect(try dske.status().state == .enrolled)
            }
        }
    }
}
