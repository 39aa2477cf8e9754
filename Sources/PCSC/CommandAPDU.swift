/// An ISO 7816-4 command APDU. `ne` is the number of response bytes expected: nil for no Le
/// field, 1...65536 otherwise (256 encodes as short Le 00, 65536 as extended Le 0000).
public struct CommandAPDU: Equatable, Sendable {
    public var cla: UInt8
    public var ins: UInt8
    public var p1: UInt8
    public var p2: UInt8
    public var data: [UInt8]
    public var ne: Int?

    public init(cla: UInt8 = 0x00, ins: UInt8, p1: UInt8, p2: UInt8, data: [UInt8] = [], ne: Int? = nil) {
        self.cla = cla
        self.ins = ins
        self.p1 = p1
        self.p2 = p2
        self.data = data
        self.ne = ne
    }

    /// Short form carries Nc <= 255 and Ne <= 256; anything larger needs extended length.
    public var needsExtendedLength: Bool { data.count > 255 || (ne ?? 0) > 256 }

    /// The bytes on the wire: short form when it fits (or when `extended` is false), extended
    /// form when needed or asked for. Throws when the APDU cannot be encoded as asked.
    public func encoded(extended: Bool? = nil) throws(PCSCError) -> [UInt8] {
        guard data.count <= 65535 else {
            throw .invalidArgument("command data of \(data.count) bytes exceeds 65535")
        }
        if let ne, !(1...65536).contains(ne) {
            throw .invalidArgument("Ne \(ne) is outside 1...65536")
        }
        let useExtended = extended ?? needsExtendedLength
        if !useExtended && needsExtendedLength {
            throw .invalidArgument("an APDU with \(data.count) data bytes and Ne \(ne ?? 0) needs extended length")
        }
        var out: [UInt8] = [cla, ins, p1, p2]
        if useExtended {
            if !data.isEmpty {
                out += [0x00, UInt8(data.count >> 8), UInt8(data.count & 0xFF)]
                out += data
            }
            if let ne {
                let le = ne == 65536 ? 0 : ne
                if data.isEmpty { out.append(0x00) }
                out += [UInt8(le >> 8), UInt8(le & 0xFF)]
            }
        } else {
            if !data.isEmpty {
                out.append(UInt8(data.count))
                out += data
            }
            if let ne { out.append(ne == 256 ? 0 : UInt8(ne)) }
        }
        return out
    }

    /// Decodes cases 1, 2S, 3S, 4S, 2E, 3E and 4E (used by tests and by transports that log).
    public init(bytes: [UInt8]) throws(PCSCError) {
        guard bytes.count >= 4 else { throw .malformedResponse("a command APDU has at least 4 bytes") }
        cla = bytes[0]; ins = bytes[1]; p1 = bytes[2]; p2 = bytes[3]
        let body = Array(bytes[4...])
        data = []
        ne = nil
        switch body.count {
        case 0:
            return
        case 1:
            ne = body[0] == 0 ? 256 : Int(body[0])
            return
        default:
            break
        }
        if body[0] != 0 {
            let lc = Int(body[0])
            if body.count == 1 + lc {
                data = Array(body[1...])
            } else if body.count == 2 + lc {
                data = Array(body[1..<(1 + lc)])
                ne = body[1 + lc] == 0 ? 256 : Int(body[1 + lc])
            } else {
                throw .malformedResponse("short Lc \(lc) does not match \(body.count) body bytes")
            }
            return
        }
        guard body.count >= 3 else { throw .malformedResponse("truncated extended length") }
        let first = Int(body[1]) << 8 | Int(body[2])
        if body.count == 3 {
            ne = first == 0 ? 65536 : first
            return
        }
        guard first > 0 else { throw .malformedResponse("extended Lc of 0") }
        if body.count == 3 + first {
            data = Array(body[3...])
        } else if body.count == 5 + first {
            data = Array(body[3..<(3 + first)])
            let le = Int(body[3 + first]) << 8 | Int(body[4 + first])
            ne = le == 0 ? 65536 : le
        } else {
            throw .malformedResponse("extended Lc \(first) does not match \(body.count) body bytes")
        }
    }
}
