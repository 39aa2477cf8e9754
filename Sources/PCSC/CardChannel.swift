/// ISO 7816-4 exchanges over a transport: encodes APDUs, follows 61xx with GET RESPONSE,
/// repeats a command with the Le a 6Cxx names, and keeps the length limits and statistics.
public final class CardChannel {
    public let transport: any CardTransport
    public private(set) var limits: APDULimits = .short
    public private(set) var statistics = APDUStatistics()

    /// A card that never stops answering 61xx would otherwise keep us forever.
    static let maxChainedResponse = 1 << 20

    public init(transport: any CardTransport) {
        self.transport = transport
    }

    /// Uses extended Lc/Le up to the card's stated limits, capped by what the reader reports
    /// and by one 64 KiB PC/SC buffer.
    public func enableExtendedLength(maxCommandData: Int, maxResponseData: Int) {
        var command = min(maxCommandData, 65535)
        if let readerMax = transport.maxCommandLength {
            command = min(command, readerMax - 9)   // header 4, Lc 3, Le 2
        }
        let response = min(maxResponseData, 65536)
        guard command > 255 || response > 255 else { return }
        limits = APDULimits(extended: true, maxCommandData: max(command, 255), maxResponseData: max(response, 255))
    }

    /// Back to short APDUs (after a card or reader refused an extended one).
    public func useShortLength() {
        limits = .short
    }

    public func resetStatistics() {
        statistics = APDUStatistics()
    }

    /// Sends a command and returns the complete response (61xx and 6Cxx handled); the status
    /// word is not judged here.
    public func send(_ command: CommandAPDU) throws(PCSCError) -> ResponseAPDU {
        var response = try exchange(command)
        if response.status.sw1 == 0x6C {
            var retry = command
            retry.ne = response.status.sw2 == 0 ? 256 : Int(response.status.sw2)
            response = try exchange(retry)
        }
        var data = response.data
        while response.status.sw1 == 0x61 {
            guard data.count <= CardChannel.maxChainedResponse else {
                throw .malformedResponse("the card keeps answering 61xx (more than 1 MiB)")
            }
            let announced = response.status.sw2 == 0 ? 256 : Int(response.status.sw2)
            let ne = limits.extended && response.status.sw2 == 0 ? limits.maxResponseData : announced
            let next = try exchange(CommandAPDU(cla: command.cla, ins: 0xC0, p1: 0, p2: 0, ne: ne))
            guard !next.data.isEmpty || next.status.sw1 != 0x61 else {
                throw .malformedResponse("GET RESPONSE returned no data but announced more")
            }
            data += next.data
            response = next
        }
        return ResponseAPDU(data: data, status: response.status)
    }

    /// Sends a command and requires success (9000 or 6282); other status words become the
    /// PCSCError that names `operation`.
    @discardableResult
    public func run(_ command: CommandAPDU, operation: String) throws(PCSCError) -> [UInt8] {
        let response = try send(command)
        guard response.status.isSuccess else {
            throw CardChannel.error(for: response.status, operation: operation)
        }
        return response.data
    }

    /// The generic meaning of a refusal; commands with more context (VERIFY, CREATE FILE) map
    /// their own status words first.
    public static func error(for status: StatusWord, operation: String) -> PCSCError {
        switch status.value {
        case 0x6982: return .securityStatusNotSatisfied(operation)
        case 0x6A82: return .fileNotFound(operation)
        default: return .status(status, operation: operation)
        }
    }

    private func exchange(_ command: CommandAPDU) throws(PCSCError) -> ResponseAPDU {
        if command.needsExtendedLength && !limits.extended {
            throw .invalidArgument("an APDU with \(command.data.count) data bytes and Ne \(command.ne ?? 0) "
                + "needs extended length, which this card or reader does not take")
        }
        let bytes = try command.encoded()
        let reply = try transport.transmit(bytes)
        statistics.record(sent: bytes.count, received: reply.count)
        return try ResponseAPDU(bytes: reply)
    }

    /// Runs `body` inside a PC/SC transaction so no other program's APDUs interleave.
    public func withTransaction<T>(_ body: () throws(PCSCError) -> T) throws(PCSCError) -> T {
        try transport.beginTransaction()
        defer { transport.endTransaction() }
        return try body()
    }
}
