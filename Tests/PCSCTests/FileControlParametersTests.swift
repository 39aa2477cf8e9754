import Testing
@testable import PCSC

@Suite struct FileControlParametersTests {
    @Test func parsesTheVirtualCardsMasterFileFCP() throws {
        let fcp = try FileControlParameters(template: bytes("""
            62 23 82 01 38 83 02 3F 00 8A 01 05 A5 17 C1 04 00 01 00 00 C2 04 00 00 F0 00
            7F 66 08 02 02 FF F8 02 02 FF FD
            """))
        #expect(fcp.descriptor == 0x38)
        #expect(fcp.fileID == 0x3F00)
        #expect(fcp.capacity == 65536)
        #expect(fcp.free == 0xF000)
        #expect(fcp.maxCommandData == 65528)
        #expect(fcp.maxResponseData == 65533)
    }

    @Test func createFileTemplateForATransparentEF() {
        let fcp = FileControlParameters.transparentEF(fileID: 0x0102, size: 32,
                                                      access: FileAccess(read: .pin, update: .pin, delete: .never))
        #expect(fcp.encoded == bytes("62 11 80 02 00 20 82 01 01 83 02 01 02 8C 04 43 FF 10 10"))
        let large = FileControlParameters.transparentEF(fileID: 0x0111, size: 70000,
                                                        access: FileAccess(read: .pin, update: .pin, delete: .pin))
        #expect(Array(large.encoded[2..<7]) == bytes("80 03 01 11 70"))
    }

    @Test func tlvRejectsTruncation() throws {
        #expect(throws: PCSCError.self) { try BERTLV.parse(bytes("62 05 82 01")) }
        #expect(throws: PCSCError.self) { try BERTLV.parse(bytes("53 83 01 00 00")) }
        #expect(try BERTLV.parse(bytes("53 81 80") + [UInt8](repeating: 0, count: 128)).first?.value.count == 128)
    }
}
