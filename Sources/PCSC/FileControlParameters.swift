/// The parts of an FCP/FCI template (tags 62/6F) that this package reads or writes.
public struct FileControlParameters: Equatable, Sendable {
    /// File descriptor byte (tag 82): 01 transparent EF, 38 DF.
    public var descriptor: UInt8?
    /// File identifier (tag 83).
    public var fileID: UInt16?
    /// Number of data bytes in the file (tag 80), for EFs.
    public var size: Int?
    /// DF name (tag 84), the application identifier.
    public var dfName: [UInt8]?
    /// Compact security attributes (tag 8C).
    public var security: [UInt8]?
    /// Proprietary information (tag A5): for the DSKE card, capacity (C1) and free bytes (C2).
    public var proprietary: [BERTLV]
    /// Extended length information (DO 7F66): the card's max Nc and max Ne.
    public var maxCommandData: Int?
    public var maxResponseData: Int?

    public init(descriptor: UInt8? = nil, fileID: UInt16? = nil, size: Int? = nil, dfName: [UInt8]? = nil,
                security: [UInt8]? = nil) {
        self.descriptor = descriptor
        self.fileID = fileID
        self.size = size
        self.dfName = dfName
        self.security = security
        proprietary = []
    }

    /// Parses a 62 (FCP) or 6F (FCI) template.
    public init(template bytes: [UInt8]) throws(PCSCError) {
        self.init()
        let outer = try BERTLV.parse(bytes)
        guard let first = outer.first, first.tag == 0x62 || first.tag == 0x6F else {
            throw .malformedResponse("expected an FCP (62) or FCI (6F) template")
        }
        let inner = try BERTLV.parse(first.value)
        descriptor = inner.value(0x82)?.first
        if let fid = inner.value(0x83), fid.count == 2 { fileID = UInt16(fid[0]) << 8 | UInt16(fid[1]) }
        if let size = inner.value(0x80), (1...4).contains(size.count) {
            self.size = size.reduce(0) { $0 << 8 | Int($1) }
        }
        dfName = inner.value(0x84)
        security = inner.value(0x8C)
        if let a5 = inner.value(0xA5) {
            proprietary = try BERTLV.parse(a5)
            if let ext = proprietary.value(0x7F66) {
                let numbers = try BERTLV.parse(ext).filter { $0.tag == 0x02 }
                    .map { $0.value.reduce(0) { $0 << 8 | Int($1) } }
                if numbers.count >= 2 {
                    maxCommandData = numbers[0]
                    maxResponseData = numbers[1]
                }
            }
        }
    }

    /// The proprietary C1 (capacity) and C2 (free) numbers, when the card reports them.
    public var capacity: Int? { proprietary.value(0xC1).map { $0.reduce(0) { $0 << 8 | Int($1) } } }
    public var free: Int? { proprietary.value(0xC2).map { $0.reduce(0) { $0 << 8 | Int($1) } } }

    /// The FCP template for CREATE FILE (ISO 7816-9).
    public var encoded: [UInt8] {
        var inner: [UInt8] = []
        if let size {
            let bytes: [UInt8] = size > 0xFFFF ? [UInt8(size >> 16 & 0xFF), UInt8(size >> 8 & 0xFF), UInt8(size & 0xFF)]
                : [UInt8(size >> 8), UInt8(size & 0xFF)]
            inner += BERTLV(tag: 0x80, value: bytes).encoded
        }
        if let descriptor { inner += BERTLV(tag: 0x82, value: [descriptor]).encoded }
        if let fileID { inner += BERTLV(tag: 0x83, value: [UInt8(fileID >> 8), UInt8(fileID & 0xFF)]).encoded }
        if let dfName { inner += BERTLV(tag: 0x84, value: dfName).encoded }
        if let security { inner += BERTLV(tag: 0x8C, value: security).encoded }
        return BERTLV(tag: 0x62, value: inner).encoded
    }

    /// A transparent EF of `size` bytes (two size bytes up to 65535, three beyond).
    public static func transparentEF(fileID: UInt16, size: Int, access: FileAccess) -> FileControlParameters {
        FileControlParameters(descriptor: 0x01, fileID: fileID, size: size, security: access.compact)
    }

    /// An application DF with its AID.
    public static func application(fileID: UInt16, aid: [UInt8]) -> FileControlParameters {
        FileControlParameters(descriptor: 0x38, fileID: fileID, dfName: aid)
    }
}
