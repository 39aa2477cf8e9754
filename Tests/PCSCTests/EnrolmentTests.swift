import Crypto
import Foundation
import Testing
@testable import PCSC

extension RealCardTests {
    @Suite struct Enrolment {
        @Test func enrolThenReadTheKeyBackAfterVerify() throws {
            try VirtualCard.with { card in
                let (_, dske) = try RealCardTests.open(card)
                #expect(try dske.status().state == .blank)
                let enrolment = try RealCardTests.enrol(dske)
                #expect(enrolment.generatedPUK == nil)
                #expect(enrolment.identity.keyID == CardIdentity.keyID(of: RealCardTests.key))
                dske.disconnect()

                // A new session, as the import would open it.
                let (_, again) = try RealCardTests.open(card)
                let identity = try again.readIdentity()
                #expect(identity == enrolment.identity)
                #expect(identity.node == "carol" && identity.hub == "hank" && identity.role == .client)
                let key = try again.readEnrolmentKey(pin: RealCardTests.pin)
                #expect(RealCardTests.keyBytes(key) == RealCardTests.keyBytes(RealCardTests.key))
                let status = try again.status()
                #expect(status.state == .enrolled)
                #expect(status.pin == .triesLeft(3) && status.puk == .triesLeft(3))
                #expect(status.space.capacity == 65536)
                #expect(status.extendedLength)
                // What the card itself holds: the key in the key file, the PIN only as a digest.
                let app = try #require(try card.state()["app"] as? [String: Any])
                let files = try #require(app["files"] as? [String: [String: Any]])
                #expect(files["0102"]?["data"] as? String == RealCardTests.keyBytes(RealCardTests.key)
                    .map { String(format2: $0) }.joined().lowercased())
                #expect(!(String(data: try Data(contentsOf: URL(fileURLWithPath: card.statePath)), encoding: .utf8)!
                    .contains("246810")))
            }
        }

        @Test func aSecondEnrolmentIsRefusedAndAGeneratedPUKWorks() throws {
            try VirtualCard.with { card in
                let (_, dske) = try RealCardTests.open(card)
                let first = try dske.enrol(node: "dave", role: .client, hub: "hank", key: RealCardTests.key,
                                           pin: RealCardTests.pin)
                let puk = try #require(first.generatedPUK)
                #expect(throws: PCSCError.alreadyEnrolled(node: "dave", hub: "hank")) {
                    try RealCardTests.enrol(dske)
                }
                #expect(throws: PCSCError.wrongPIN(triesLeft: 2)) {
                    try dske.readEnrolmentKey(pin: try CardPIN("000000"))
                }
                try dske.unblockPIN(puk: puk, newPIN: try CardPIN("777777"))
                _ = try dske.readEnrolmentKey(pin: try CardPIN("777777"))
            }
        }

        @Test func readingTheKeyWithoutVerifyIsRefused() throws {
            try VirtualCard.with { card in
                let (_, dske) = try RealCardTests.open(card)
                try RealCardTests.enrol(dske)
                dske.disconnect()
                let (_, raw) = try RealCardTests.open(card)
                try raw.channel.select(aid: DSKECardLayout.aid)
                // The identity is public...
                try raw.channel.select(fileID: DSKECardLayout.identityFID)
                #expect(try raw.channel.readBinary(offset: 0, count: 2).count == 2)
                // ...the key is not.
                try raw.channel.select(fileID: DSKECardLayout.keyFID)
                #expect(throws: PCSCError.securityStatusNotSatisfied("READ BINARY at offset 0")) {
                    try raw.channel.readBinary(offset: 0, count: 32)
                }
                // Nor may anyone overwrite it, or delete it.
                #expect(throws: PCSCError.securityStatusNotSatisfied("UPDATE BINARY at offset 0")) {
                    try raw.channel.updateBinary(offset: 0, data: [UInt8](repeating: 0, count: 32))
                }
                #expect(throws: PCSCError.securityStatusNotSatisfied("DELETE FILE 0102")) {
                    try raw.channel.deleteFile(fileID: DSKECardLayout.keyFID)
                }
                // After VERIFY it reads, and VERIFY P1=FF takes the permission back.
                try raw.channel.verify(reference: DSKECardLayout.pinReference, value: RealCardTests.pin.block)
                #expect(try raw.channel.readBinary(offset: 0, count: 32) == RealCardTests.keyBytes(RealCardTests.key))
                try raw.channel.resetSecurityStatus(reference: DSKECardLayout.pinReference)
                #expect(throws: PCSCError.securityStatusNotSatisfied("READ BINARY at offset 0")) {
                    try raw.channel.readBinary(offset: 0, count: 32)
                }
            }
        }

        @Test func anIndependentClientSeesTheCardButNotTheKey() throws {
            try VirtualCard.with { card in
                let (_, dske) = try RealCardTests.open(card)
                try RealCardTests.enrol(dske)
                dske.disconnect()

                let list = try VirtualCard.run("/usr/bin/env", ["opensc-tool", "--list-readers"])
                #expect(list.status == 0, "opensc-tool missing? apt-get install opensc: \(list.output)")
                let line = list.output.split(separator: "\n").first { $0.contains(card.reader) }
                #expect(line?.contains("Yes") == true, "\(list.output)")

                let index = String(VirtualCard.readerIndex)
                let selectApp = "00 A4 04 0C 0A " + hexString(DSKECardLayout.aid)
                let noPIN = try VirtualCard.run("/usr/bin/env", [
                    "opensc-tool", "--reader", index, "--send-apdu", selectApp,
                    "--send-apdu", "00 A4 00 0C 02 01 01", "--send-apdu", "00 B0 00 00 02",
                    "--send-apdu", "00 A4 00 0C 02 01 02", "--send-apdu", "00 B0 00 00 20",
                ])
                let answers = noPIN.output.split(separator: "\n").filter { $0.hasPrefix("Received") }
                #expect(answers.count == 5, "\(noPIN.output)")
                #expect(answers.count == 5 && answers[2].contains("SW1=0x90, SW2=0x00"), "identity is public")
                #expect(answers.last?.contains("SW1=0x69, SW2=0x82") == true, "key read without VERIFY: \(noPIN.output)")

                let pinBlock = hexString(RealCardTests.pin.block)
                let withPIN = try VirtualCard.run("/usr/bin/env", [
                    "opensc-tool", "--reader", index, "--send-apdu", selectApp,
                    "--send-apdu", "00 20 00 81 10 " + pinBlock,
                    "--send-apdu", "00 A4 00 0C 02 01 02", "--send-apdu", "00 B0 00 00 20",
                ])
                let last = withPIN.output.split(separator: "\n").filter { $0.hasPrefix("Received") }.last
                #expect(last?.contains("SW1=0x90, SW2=0x00") == true, "\(withPIN.output)")
            }
        }
    }
}
