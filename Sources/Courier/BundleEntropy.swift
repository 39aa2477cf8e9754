/// The header's `entropy` field: where the PSRD came from and how the sources were checked.
public struct BundleEntropy: Sendable, Hashable, Codable {
    /// Every source that contributed, e.g. `["os:getrandom", "qrng:/dev/qrandom0"]`.
    public let sources: [String]
    /// How the sources were combined (`none` for one source; docs/entropy.md names the others).
    public let combiner: String
    /// One report per raw source that was health-tested (none for the OS alone).
    public let health: [HealthReport]

    public init(sources: [String], combiner: String, health: [HealthReport]) {
        self.sources = sources
        self.combiner = combiner
        self.health = health
    }

    /// The record of a bundle filled from the operating system's CSPRNG alone.
    public static let operatingSystemOnly = BundleEntropy(sources: [OSEntropy.sourceName], combiner: "none", health: [])

    private enum CodingKeys: String, CodingKey { case sources, combiner, health }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let sourceNames = try container.decodeArray(String.self, forKey: .sources, count: 1...8)
        guard sourceNames.allSatisfy(Label.isValid) else {
            throw DecodingError.dataCorruptedError(forKey: .sources, in: container,
                debugDescription: "every source must be 1 to \(Label.maxLength) printable ASCII characters")
        }
        sources = sourceNames
        combiner = try container.decodeLabel(forKey: .combiner)
        health = try container.decodeArray(HealthReport.self, forKey: .health, count: 0...8)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(sources, forKey: .sources)
        try container.encode(combiner, forKey: .combiner)
        try container.encode(health, forKey: .health)
    }
}
