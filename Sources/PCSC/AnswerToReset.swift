/// The parts of an ATR (ISO 7816-3 and 7816-4 section 8) that decide how to talk to the card.
public struct AnswerToReset: Equatable, Sendable {
    public let bytes: [UInt8]
    /// Protocols the interface bytes announce (T=0 when none is named).
    public let protocols: CardProtocols
    public let historicalBytes: [UInt8]
    /// Card capabilities (compact-TLV tag 7, third byte b7): the card takes extended Lc/Le.
    public let extendedLength: Bool

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        var protocols: CardProtocols = []
        var historical: [UInt8] = []
        if bytes.count >= 2 {
            let k = Int(bytes[1] & 0x0F)
            var y = bytes[1] >> 4
            var i = 2
            while true {
                i += (y & 0x1 != 0 ? 1 : 0) + (y & 0x2 != 0 ? 1 : 0) + (y & 0x4 != 0 ? 1 : 0)
                guard y & 0x8 != 0, i < bytes.count else { break }
                let td = bytes[i]
                i += 1
                switch td & 0x0F {
                case 0: protocols.insert(.t0)
                case 1: protocols.insert(.t1)
                default: break
                }
                y = td >> 4
            }
            if i + k <= bytes.count { historical = Array(bytes[i..<(i + k)]) }
        }
        self.protocols = protocols.isEmpty ? .t0 : protocols
        historicalBytes = historical
        extendedLength = AnswerToReset.cardCapabilities(historical).map { $0.count >= 3 && $0[2] & 0x40 != 0 } ?? false
    }

    /// The value of compact-TLV object 7 (card capabilities), when the historical bytes use
    /// the compact-TLV format (category indicator 00 or 80).
    static func cardCapabilities(_ historical: [UInt8]) -> [UInt8]? {
        guard let category = historical.first, category == 0x00 || category == 0x80 else { return nil }
        // With category 00 the last three bytes are a status indicator outside the TLV list.
        let end = category == 0x00 ? historical.count - 3 : historical.count
        var i = 1
        while i < end {
            let tag = historical[i] >> 4
            let length = Int(historical[i] & 0x0F)
            guard i + 1 + length <= end else { return nil }
            if tag == 0x7 { return Array(historical[(i + 1)..<(i + 1 + length)]) }
            i += 1 + length
        }
        return nil
    }

    public var hex: String { bytes.map { String(format2: $0) }.joined() }
}

extension String {
    init(format2 byte: UInt8) {
        let digits = Array("0123456789ABCDEF")
        self = String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }
}
