import Testing
@testable import PCSC

@Suite struct AnswerToResetTests {
    @Test func virtualCardATRAnnouncesBothProtocolsAndExtendedLength() {
        let atr = AnswerToReset(bytes("3B 85 80 01 80 73 C0 21 40 56"))
        #expect(atr.protocols == [.t0, .t1])
        #expect(atr.historicalBytes == bytes("80 73 C0 21 40"))
        #expect(atr.extendedLength)
        #expect(atr.hex == "3B8580018073C0214056")
    }

    @Test func shortOnlyCard() {
        #expect(!AnswerToReset(bytes("3B 85 80 01 80 73 C0 21 00 16")).extendedLength)
    }

    @Test func plainT0CardWithoutCapabilities() {
        // TS, T0 with TB1 and 2 historical bytes; no TD: T=0 implied.
        let atr = AnswerToReset(bytes("3B 22 00 45 55"))
        #expect(atr.protocols == .t0)
        #expect(atr.historicalBytes == bytes("45 55"))
        #expect(!atr.extendedLength)
    }
}
