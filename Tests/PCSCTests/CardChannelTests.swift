import Testing
@testable import PCSC

@Suite struct CardChannelTests {
    @Test func getResponseCollectsChainedData() throws {
        let transport = ScriptedTransport(script: [
            (bytes("00A4040002F001"), bytes("6105")),
            (bytes("00C0000005"), bytes("0102030405 6103")),
            (bytes("00C0000003"), bytes("060708 9000")),
        ])
        let channel = CardChannel(transport: transport)
        let response = try channel.send(CommandAPDU(ins: 0xA4, p1: 4, p2: 0, data: [0xF0, 0x01]))
        #expect(response.data == [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(response.status == .success)
        #expect(transport.finished)
        #expect(channel.statistics.commands == 3)
    }

    @Test func wrongLeIsRetriedWithTheLengthTheCardNames() throws {
        let transport = ScriptedTransport(script: [
            (bytes("00B0000010"), bytes("6C04")),
            (bytes("00B0000004"), bytes("AABBCCDD 9000")),
        ])
        let channel = CardChannel(transport: transport)
        let data = try channel.run(CommandAPDU(ins: 0xB0, p1: 0, p2: 0, ne: 16), operation: "READ BINARY")
        #expect(data == bytes("AABBCCDD"))
        #expect(transport.finished)
    }

    @Test func endlessGetResponseIsRefused() throws {
        var script: [(expect: [UInt8]?, reply: [UInt8])] = [(nil, bytes("6100"))]
        for _ in 0..<5000 { script.append((nil, [UInt8](repeating: 0, count: 256) + [0x61, 0x00])) }
        let channel = CardChannel(transport: ScriptedTransport(script: script))
        #expect(throws: PCSCError.malformedResponse("the card keeps answering 61xx (more than 1 MiB)")) {
            try channel.send(CommandAPDU(ins: 0xCA, p1: 0, p2: 0, ne: 256))
        }
    }

    @Test func shortReadsAreChunkedAt255AndUseOddInsBeyond32K() throws {
        // 600 bytes from offset 0: 255 + 255 + 90.
        var script: [(expect: [UInt8]?, reply: [UInt8])] = [
            (bytes("00B00000FF"), [UInt8](repeating: 1, count: 255) + [0x90, 0x00]),
            (bytes("00B000FFFF"), [UInt8](repeating: 2, count: 255) + [0x90, 0x00]),
            (bytes("00B001FE5A"), [UInt8](repeating: 3, count: 90) + [0x90, 0x00]),
        ]
        // 10 bytes at offset 0x8000: B1 with offset DO 54 03 008000, Le = 10 + 2.
        script.append((bytes("00B10000055403008000 0C"), bytes("530A") + [UInt8](repeating: 4, count: 10) + [0x90, 0x00]))
        let channel = CardChannel(transport: ScriptedTransport(script: script))
        let first = try channel.readBinary(offset: 0, count: 600)
        #expect(first.count == 600 && first[254] == 1 && first[255] == 2 && first[599] == 3)
        #expect(try channel.readBinary(offset: 0x8000, count: 10) == [UInt8](repeating: 4, count: 10))
    }

    @Test func extendedWriteFallsBackToShortWhenTheCardRefusesIt() throws {
        let data = [UInt8](repeating: 5, count: 400)
        let transport = ScriptedTransport(script: [
            (bytes("00D60000000190") + data, bytes("6700")),
            (bytes("00D60000FF") + Array(data[0..<255]), bytes("9000")),
            (bytes("00D600FF91") + Array(data[255...]), bytes("9000")),
        ])
        let channel = CardChannel(transport: transport)
        channel.enableExtendedLength(maxCommandData: 4096, maxResponseData: 4096)
        #expect(channel.limits.extended)
        try channel.updateBinary(offset: 0, data: data)
        #expect(!channel.limits.extended)
        #expect(transport.finished)
    }

    @Test func readerLimitCapsExtendedCommands() {
        let transport = ScriptedTransport(script: [])
        transport.maxCommandLength = 1033
        let channel = CardChannel(transport: transport)
        channel.enableExtendedLength(maxCommandData: 65528, maxResponseData: 65533)
        #expect(channel.limits == APDULimits(extended: true, maxCommandData: 1024, maxResponseData: 65533))
    }

    @Test func verifyMapsTriesAndBlocking() throws {
        let transport = ScriptedTransport(script: [
            (nil, bytes("63C2")), (nil, bytes("63C0")), (nil, bytes("6983")), (nil, bytes("63C1")),
            (nil, bytes("6A88")),
        ])
        let channel = CardChannel(transport: transport)
        #expect(throws: PCSCError.wrongPIN(triesLeft: 2)) { try channel.verify(reference: 0x81, value: [0]) }
        #expect(throws: PCSCError.pinBlocked) { try channel.verify(reference: 0x81, value: [0]) }
        #expect(throws: PCSCError.pinBlocked) { try channel.verify(reference: 0x81, value: [0]) }
        #expect(throws: PCSCError.wrongPUK(triesLeft: 1)) {
            try channel.resetRetryCounter(reference: 0x81, resettingCode: [1], newValue: [2])
        }
        #expect(try channel.verificationState(reference: 0x81) == .notSet)
    }

    @Test func createFileReportsCardFull() {
        let channel = CardChannel(transport: ScriptedTransport(script: [(nil, bytes("6A84"))]))
        let fcp = FileControlParameters.transparentEF(fileID: 0x0111, size: 5000,
                                                      access: FileAccess(read: .pin, update: .pin, delete: .pin))
        #expect(throws: PCSCError.cardFull(needed: 5000, available: 1200)) { try channel.createFile(fcp, free: 1200) }
    }
}
