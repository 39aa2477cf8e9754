/// `card:` or `card:READER` in `--to` / `--from`: the small bundle on a smart card instead of
/// a directory.
enum CardTarget {
    static let prefix = "card:"

    /// The reader named after `card:` (nil: the only reader holding a card), or nil when
    /// `argument` is a path.
    static func parse(_ argument: String) -> String?? {
        guard argument.hasPrefix(prefix) else { return nil }
        let reader = String(argument.dropFirst(prefix.count))
        return .some(reader.isEmpty ? nil : reader)
    }
}
