/// What crossed the channel: APDUs (GET RESPONSE and 6Cxx retries included) and bytes on the
/// wire (command bytes out; response data and status bytes in).
public struct APDUStatistics: Equatable, Sendable {
    public var commands = 0
    public var bytesSent = 0
    public var bytesReceived = 0
    public var largestCommand = 0
    public var largestResponse = 0

    public init() {}

    mutating func record(sent: Int, received: Int) {
        commands += 1
        bytesSent += sent
        bytesReceived += received
        largestCommand = max(largestCommand, sent)
        largestResponse = max(largestResponse, received)
    }
}
