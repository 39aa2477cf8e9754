import Testing
@testable import PCSC

@Suite struct CommandAPDUTests {
    @Test func shortCasesEncode() throws {
        #expect(try CommandAPDU(ins: 0xA4, p1: 0, p2: 0x0C).encoded() == bytes("00A4000C"))
        #expect(try CommandAPDU(ins: 0xB0, p1: 0, p2: 0, ne: 256).encoded() == bytes("00B0000000"))
        #expect(try CommandAPDU(ins: 0xB0, p1: 0, p2: 0, ne: 16).encoded() == bytes("00B0000010"))
        #expect(try CommandAPDU(ins: 0xD6, p1: 0, p2: 0, data: [1, 2]).encoded() == bytes("00D60000020102"))
        #expect(try CommandAPDU(ins: 0xA4, p1: 4, p2: 0, data: [0xF0], ne: 256).encoded() == bytes("00A4040001F000"))
    }

    @Test func extendedCasesEncode() throws {
        #expect(try CommandAPDU(ins: 0xB0, p1: 0, p2: 0, ne: 65536).encoded() == bytes("00B00000000000"))
        #expect(try CommandAPDU(ins: 0xB0, p1: 0, p2: 0, ne: 300).encoded() == bytes("00B0000000012C"))
        let data = [UInt8](repeating: 7, count: 300)
        let encoded = try CommandAPDU(ins: 0xD6, p1: 0, p2: 0, data: data).encoded()
        #expect(Array(encoded.prefix(7)) == bytes("00D60000 00012C"))
        #expect(encoded.count == 7 + 300)
        let case4 = try CommandAPDU(ins: 0xCB, p1: 0, p2: 0, data: data, ne: 1000).encoded()
        #expect(Array(case4.suffix(2)) == [0x03, 0xE8])
        // Asked for extended explicitly although short would do.
        #expect(try CommandAPDU(ins: 0xB0, p1: 0, p2: 0, ne: 4).encoded(extended: true) == bytes("00B00000000004"))
    }

    @Test func shortEncodingRefusesWhatNeedsExtended() {
        #expect(throws: PCSCError.self) {
            try CommandAPDU(ins: 0xB0, p1: 0, p2: 0, ne: 257).encoded(extended: false)
        }
        #expect(throws: PCSCError.self) { try CommandAPDU(ins: 0xB0, p1: 0, p2: 0, ne: 0).encoded() }
        #expect(throws: PCSCError.self) { try CommandAPDU(ins: 0xB0, p1: 0, p2: 0, ne: 65537).encoded() }
    }

    @Test(arguments: [
        CommandAPDU(ins: 0xA4, p1: 0, p2: 0x0C),
        CommandAPDU(ins: 0xB0, p1: 1, p2: 2, ne: 256),
        CommandAPDU(ins: 0xD6, p1: 0, p2: 0, data: [9, 9, 9]),
        CommandAPDU(ins: 0xA4, p1: 4, p2: 0, data: [0xF0, 1], ne: 17),
        CommandAPDU(ins: 0xB0, p1: 0, p2: 0, ne: 65536),
        CommandAPDU(ins: 0xD6, p1: 0, p2: 0, data: [UInt8](repeating: 1, count: 4000)),
        CommandAPDU(ins: 0xCB, p1: 0, p2: 0, data: [UInt8](repeating: 2, count: 300), ne: 65535),
    ])
    func decodesWhatItEncodes(command: CommandAPDU) throws {
        #expect(try CommandAPDU(bytes: command.encoded()) == command)
    }

    @Test func decodingRejectsInconsistentLengths() {
        #expect(throws: PCSCError.self) { try CommandAPDU(bytes: bytes("00D6000005 0102")) }
        #expect(throws: PCSCError.self) { try CommandAPDU(bytes: bytes("00D60000 0000")) }
        #expect(throws: PCSCError.self) { try CommandAPDU(bytes: bytes("00D6")) }
    }

    @Test func responseSplitsDataAndStatus() throws {
        let response = try ResponseAPDU(bytes: bytes("0102 63C2"))
        #expect(response.data == [1, 2])
        #expect(response.status.triesLeft == 2)
        #expect(throws: PCSCError.self) { try ResponseAPDU(bytes: [0x90]) }
    }
}
