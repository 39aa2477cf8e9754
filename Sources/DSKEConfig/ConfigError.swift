/// Every problem found in a configuration file, not just the first, so one edit can fix them all.
public struct ConfigError: Error, Sendable, CustomStringConvertible {
    public let issues: [ConfigIssue]

    public init(issues: [ConfigIssue]) { self.issues = issues }

    /// One issue per line, in file order.
    public var description: String { issues.map(\.description).joined(separator: "\n") }
}
