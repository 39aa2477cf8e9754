/// How many data bytes one command or response APDU may carry on this channel.
public struct APDULimits: Equatable, Sendable {
    /// Extended Lc/Le in use.
    public var extended: Bool
    public var maxCommandData: Int
    public var maxResponseData: Int

    public init(extended: Bool, maxCommandData: Int, maxResponseData: Int) {
        self.extended = extended
        self.maxCommandData = maxCommandData
        self.maxResponseData = maxResponseData
    }

    /// Short APDUs, at most 255 data bytes each way: what every card and reader takes.
    public static let short = APDULimits(extended: false, maxCommandData: 255, maxResponseData: 255)
}
