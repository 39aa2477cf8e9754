/// The ISO 7816-4 (and 7816-9 CREATE FILE) commands this package uses, with chunking and the
/// status-word meanings that only make sense per command.
extension CardChannel {
    static let masterFile: UInt16 = 0x3F00

    // MARK: SELECT

    /// SELECT by DF name (AID), P1 = 04. Throws `.fileNotFound` (6A82) when the card has no
    /// such application.
    @discardableResult
    public func select(aid: [UInt8], answer: SelectAnswer = .fci) throws(PCSCError) -> FileControlParameters? {
        let ne: Int? = answer == .none ? nil : 256
        let data = try run(CommandAPDU(ins: 0xA4, p1: 0x04, p2: answer.p2, data: aid, ne: ne),
                           operation: "SELECT of application \(hex(aid))")
        return try parseTemplate(data, answer: answer)
    }

    /// SELECT by file identifier, P1 = 00 (3F00 selects the MF).
    @discardableResult
    public func select(fileID: UInt16, answer: SelectAnswer = .none) throws(PCSCError) -> FileControlParameters? {
        let ne: Int? = answer == .none ? nil : 256
        let data = try run(CommandAPDU(ins: 0xA4, p1: 0x00, p2: answer.p2,
                                       data: [UInt8(fileID >> 8), UInt8(fileID & 0xFF)], ne: ne),
                           operation: "SELECT of file \(hex16(fileID))")
        return try parseTemplate(data, answer: answer)
    }

    private func parseTemplate(_ data: [UInt8], answer: SelectAnswer) throws(PCSCError) -> FileControlParameters? {
        guard answer != .none, !data.isEmpty else { return nil }
        return try FileControlParameters(template: data)
    }

    // MARK: PIN and PUK

    /// VERIFY `00 20 00 ref Lc value`: 63Cx becomes `.wrongPIN(x)` (or `.wrongPUK`), 6983 and
    /// 63C0 `.pinBlocked` (or `.pukBlocked`).
    public func verify(reference: UInt8, value: [UInt8], secret: SecretKind = .pin) throws(PCSCError) {
        let response = try send(CommandAPDU(ins: 0x20, p1: 0x00, p2: reference, data: value))
        try judgeVerification(response.status, secret: secret, operation: "VERIFY")
    }

    /// VERIFY without data: the state of a reference without spending a try.
    public func verificationState(reference: UInt8) throws(PCSCError) -> VerificationState {
        let status = try send(CommandAPDU(ins: 0x20, p1: 0x00, p2: reference)).status
        if status == .success { return .verified }
        if let tries = status.triesLeft { return tries == 0 ? .blocked : .triesLeft(tries) }
        switch status {
        case .authenticationBlocked: return .blocked
        case .referencedDataNotFound: return .notSet
        default: throw CardChannel.error(for: status, operation: "VERIFY (status query)")
        }
    }

    /// VERIFY with P1 = FF: forget that the reference was verified.
    public func resetSecurityStatus(reference: UInt8) throws(PCSCError) {
        try run(CommandAPDU(ins: 0x20, p1: 0xFF, p2: reference), operation: "VERIFY (reset)")
    }

    /// CHANGE REFERENCE DATA: P1 = 00 with the current value and the new one, or P1 = 01 with
    /// the new one only (initial setting, while the reference is not set).
    public func changeReferenceData(reference: UInt8, current: [UInt8]?, new: [UInt8],
                                    secret: SecretKind = .pin) throws(PCSCError) {
        let command = CommandAPDU(ins: 0x24, p1: current == nil ? 0x01 : 0x00, p2: reference,
                                  data: (current ?? []) + new)
        try judgeVerification(try send(command).status, secret: secret, operation: "CHANGE REFERENCE DATA")
    }

    /// RESET RETRY COUNTER `00 2C 00 ref` with the resetting code (PUK) and a new value, or
    /// P1 = 01 with the resetting code only (counter reset, value kept).
    public func resetRetryCounter(reference: UInt8, resettingCode: [UInt8], newValue: [UInt8]?) throws(PCSCError) {
        let command = CommandAPDU(ins: 0x2C, p1: newValue == nil ? 0x01 : 0x00, p2: reference,
                                  data: resettingCode + (newValue ?? []))
        try judgeVerification(try send(command).status, secret: .puk, operation: "RESET RETRY COUNTER")
    }

    private func judgeVerification(_ status: StatusWord, secret: SecretKind, operation: String) throws(PCSCError) {
        if status == .success { return }
        if let tries = status.triesLeft { throw secret.wrong(triesLeft: tries) }
        if status == .authenticationBlocked { throw secret.blocked }
        throw CardChannel.error(for: status, operation: operation)
    }

    // MARK: READ BINARY / UPDATE BINARY / ERASE BINARY

    /// READ BINARY of `count` bytes from the current EF, in as few APDUs as the limits allow:
    /// B0 while the offset fits 15 bits, then B1 with an offset data object (54).
    public func readBinary(offset: Int, count: Int) throws(PCSCError) -> [UInt8] {
        guard offset >= 0, count >= 0, offset + count <= 0xFF_FFFF else {
            throw .invalidArgument("READ BINARY range \(offset)+\(count) is out of bounds")
        }
        var out: [UInt8] = []
        out.reserveCapacity(count)
        var position = offset
        while out.count < count {
            let wanted = count - out.count
            let usedExtended = limits.extended
            let command: CommandAPDU
            if position <= 0x7FFF {
                let n = min(wanted, limits.maxResponseData)
                command = CommandAPDU(ins: 0xB0, p1: UInt8(position >> 8), p2: UInt8(position & 0xFF), ne: n)
            } else {
                let n = largestWrapped(fitting: limits.maxResponseData, wanted: wanted)
                command = CommandAPDU(ins: 0xB1, p1: 0, p2: 0, data: offsetObject(position),
                                      ne: n + BERTLV.lengthBytes(n).count + 1)
            }
            guard let response = try sendOrFallBack(command, usedExtended: usedExtended) else { continue }
            guard response.status.isSuccess else {
                throw CardChannel.error(for: response.status, operation: "READ BINARY at offset \(position)")
            }
            var chunk = response.data
            if command.ins == 0xB1 {
                guard let wrapped = try BERTLV.parse(chunk).value(0x53) else {
                    throw .malformedResponse("READ BINARY (B1) without a 53 data object")
                }
                chunk = wrapped
            }
            guard !chunk.isEmpty else {
                throw .malformedResponse("READ BINARY at offset \(position) returned no data")
            }
            chunk = Array(chunk.prefix(wanted))
            out += chunk
            position += chunk.count
        }
        return out
    }

    /// Sends one chunk's APDU; nil when the reader or card refused extended length for it, which
    /// switches the channel to short APDUs so that the caller re-cuts the same chunk and retries.
    private func sendOrFallBack(_ command: CommandAPDU, usedExtended: Bool) throws(PCSCError) -> ResponseAPDU? {
        let response: ResponseAPDU
        do {
            response = try send(command)
        } catch {
            if usedExtended && command.needsExtendedLength && refusesExtended(error) {
                useShortLength()
                return nil
            }
            throw error
        }
        if usedExtended && command.needsExtendedLength && response.status == .wrongLength {
            useShortLength()
            return nil
        }
        return response
    }

    /// UPDATE BINARY of `data` into the current EF at `offset`, chunked like `readBinary`.
    public func updateBinary(offset: Int, data: [UInt8]) throws(PCSCError) {
        guard offset >= 0, offset + data.count <= 0xFF_FFFF else {
            throw .invalidArgument("UPDATE BINARY range \(offset)+\(data.count) is out of bounds")
        }
        var written = 0
        while written < data.count {
            let position = offset + written
            let remaining = data.count - written
            let usedExtended = limits.extended
            let command: CommandAPDU
            let n: Int
            if position <= 0x7FFF {
                n = min(remaining, limits.maxCommandData)
                command = CommandAPDU(ins: 0xD6, p1: UInt8(position >> 8), p2: UInt8(position & 0xFF),
                                      data: Array(data[written..<(written + n)]))
            } else {
                let offsetDO = offsetObject(position)
                n = largestWrapped(fitting: limits.maxCommandData - offsetDO.count, wanted: remaining)
                command = CommandAPDU(ins: 0xD7, p1: 0, p2: 0,
                                      data: offsetDO + BERTLV(tag: 0x53, value: Array(data[written..<(written + n)])).encoded)
            }
            guard let response = try sendOrFallBack(command, usedExtended: usedExtended) else { continue }
            guard response.status.isSuccess else {
                if response.status == .notEnoughMemory {
                    throw .status(response.status, operation: "UPDATE BINARY at offset \(position) "
                                  + "(the data runs past the end of the file)")
                }
                throw CardChannel.error(for: response.status, operation: "UPDATE BINARY at offset \(position)")
            }
            written += n
        }
    }

    /// ERASE BINARY `00 0E off`: sets the current EF to zero from `offset` to its end.
    public func eraseBinary(offset: Int = 0) throws(PCSCError) {
        guard (0...0x7FFF).contains(offset) else { throw .invalidArgument("ERASE BINARY offset \(offset)") }
        try run(CommandAPDU(ins: 0x0E, p1: UInt8(offset >> 8), p2: UInt8(offset & 0xFF)),
                operation: "ERASE BINARY")
    }

    // MARK: CREATE FILE / DELETE FILE (ISO 7816-9)

    /// CREATE FILE `00 E0 00 00 Lc 62 ...`. 6A84 becomes `.cardFull` with the size asked for
    /// and, when the caller knows it, the free space.
    public func createFile(_ fcp: FileControlParameters, free: Int? = nil) throws(PCSCError) {
        let response = try send(CommandAPDU(ins: 0xE0, p1: 0, p2: 0, data: fcp.encoded))
        if response.status.isSuccess { return }
        let name = fcp.fileID.map(hex16) ?? "?"
        switch response.status {
        case .notEnoughMemory: throw .cardFull(needed: fcp.size ?? 0, available: free)
        case .fileExists, StatusWord(0x6A8A):
            throw .status(response.status, operation: "CREATE FILE \(name)")
        default: throw CardChannel.error(for: response.status, operation: "CREATE FILE \(name)")
        }
    }

    /// DELETE FILE: the child EF `fileID` of the current DF, or the current file when nil.
    public func deleteFile(fileID: UInt16?) throws(PCSCError) {
        let data = fileID.map { [UInt8($0 >> 8), UInt8($0 & 0xFF)] } ?? []
        try run(CommandAPDU(ins: 0xE4, p1: 0, p2: 0, data: data),
                operation: "DELETE FILE \(fileID.map(hex16) ?? "(current)")")
    }

    // MARK: helpers

    private func offsetObject(_ position: Int) -> [UInt8] {
        BERTLV(tag: 0x54, value: [UInt8(position >> 16 & 0xFF), UInt8(position >> 8 & 0xFF),
                                  UInt8(position & 0xFF)]).encoded
    }

    /// The most content bytes whose 53 data object (tag, length, content) fits in `room`.
    private func largestWrapped(fitting room: Int, wanted: Int) -> Int {
        var n = min(wanted, room - 2)
        while n > 0 && n + 1 + BERTLV.lengthBytes(n).count > room { n -= 1 }
        return max(n, 1)
    }

    private func refusesExtended(_ error: PCSCError) -> Bool {
        if case let .pcsc(_, code, _) = error {
            return code == PCSCReturnCode.insufficientBuffer || code == PCSCReturnCode.invalidParameter
        }
        return false
    }
}

func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format2: $0) }.joined() }
func hex16(_ value: UInt16) -> String { hex([UInt8(value >> 8), UInt8(value & 0xFF)]) }
