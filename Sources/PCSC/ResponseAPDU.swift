/// A response APDU: data, then SW1-SW2.
public struct ResponseAPDU: Equatable, Sendable {
    public var data: [UInt8]
    public var status: StatusWord

    public init(data: [UInt8] = [], status: StatusWord) {
        self.data = data
        self.status = status
    }

    public init(bytes: [UInt8]) throws(PCSCError) {
        guard bytes.count >= 2 else {
            throw .malformedResponse("a response APDU has at least 2 bytes, got \(bytes.count)")
        }
        data = Array(bytes[..<(bytes.count - 2)])
        status = StatusWord(sw1: bytes[bytes.count - 2], sw2: bytes[bytes.count - 1])
    }

    public var bytes: [UInt8] { data + [status.sw1, status.sw2] }
}
