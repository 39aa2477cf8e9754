import Testing
@testable import PCSC

@Suite struct PCSCErrorTests {
    @Test func pcscCodesMapToClearMessages() {
        let noService = PCSCReturnCode.error(0x8010_001D, function: "SCardEstablishContext")
        #expect(noService == .serviceNotAvailable)
        #expect(noService.description == "pcscd is not running: start it with `pcscd` (or devices/virtual-card/up)")
        #expect(PCSCReturnCode.error(0x8010_0069, function: "SCardTransmit") == .cardRemoved)
        #expect(PCSCReturnCode.error(0x8010_000C, function: "SCardTransmit") == .cardRemoved)
        #expect(PCSCReturnCode.error(0x8010_000C, function: "SCardConnect", reader: "R") == .noCard(reader: "R"))
        #expect(PCSCReturnCode.error(0x8010_002E, function: "SCardListReaders") == .noReaders)
        #expect(PCSCReturnCode.error(0x8010_000B, function: "SCardConnect", reader: "R") == .sharingViolation(reader: "R"))
        if case let .pcsc(function, code, text) = PCSCReturnCode.error(0x8010_0016, function: "SCardTransmit") {
            #expect(function == "SCardTransmit" && code == 0x8010_0016 && !text.isEmpty)
        } else {
            Issue.record("SCARD_E_NOT_TRANSACTED should stay a generic PC/SC error")
        }
    }

    @Test func cardMessagesSayWhatToDo() {
        #expect(PCSCError.wrongPIN(triesLeft: 2).description == "wrong PIN: 2 tries left before the PIN is blocked")
        #expect(PCSCError.wrongPIN(triesLeft: 1).description == "wrong PIN: 1 try left before the PIN is blocked")
        #expect(PCSCError.pinBlocked.description == "the PIN is blocked: unblock it with the PUK")
        #expect(PCSCError.cardFull(needed: 9000, available: 4000).description
                == "card full: needs 9000 bytes, 4000 bytes free")
        #expect(PCSCError.noCard(reader: "Virtual PCD 00 01").description
                == "no card in reader \"Virtual PCD 00 01\": insert the card")
        #expect(PCSCError.cardRemoved.description == "the card was removed: insert it again and retry")
        #expect(PCSCError.securityStatusNotSatisfied("READ BINARY at offset 0").description
                == "the card refused READ BINARY at offset 0: the PIN has not been verified (6982)")
        #expect(PCSCError.status(StatusWord(0x6A86), operation: "SELECT").description
                == "the card refused SELECT: incorrect parameters P1-P2 (6A86)")
    }

    @Test func genericStatusMapping() {
        #expect(CardChannel.error(for: StatusWord(0x6982), operation: "x") == .securityStatusNotSatisfied("x"))
        #expect(CardChannel.error(for: StatusWord(0x6A82), operation: "x") == .fileNotFound("x"))
        #expect(StatusWord(0x6282).isSuccess)
        #expect(StatusWord(0x63C3).triesLeft == 3)
        #expect(StatusWord(0x6310).triesLeft == nil)
        #expect(StatusWord(0x6105).meaning == "5 more bytes available (GET RESPONSE)")
    }

    @Test func pinsNeverPrintAndFollowTheFormat() throws {
        let pin = try CardPIN("123456")
        #expect("\(pin)" == "CardPIN(redacted)")
        #expect(pin.block == Array("123456".utf8) + [UInt8](repeating: 0xFF, count: 10))
        #expect(throws: PCSCError.invalidPIN("a PIN has 4 to 16 characters")) { try CardPIN("123") }
        #expect(throws: PCSCError.invalidPIN("a PUK has 8 to 16 characters")) { try CardPIN("1234567", kind: .puk) }
        #expect(throws: PCSCError.self) { try CardPIN("12345\u{7}") }
        let puk = CardPIN.randomPUK().reveal()
        #expect(puk.count == 12 && puk.allSatisfy(\.isNumber))
    }
}
