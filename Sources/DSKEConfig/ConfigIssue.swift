/// One problem in a configuration file, with its place: `file:line:column: path: message`.
public struct ConfigIssue: Sendable, Hashable, CustomStringConvertible {
    /// The file name as given to `load` (or the `sourceName` given to `parse`).
    public let source: String
    /// 1-based; `nil` when the problem has no place in the file (it could not be read).
    public let line: Int?
    public let column: Int?
    /// Where in the document, e.g. `clients[2].encryptors[0].name`; empty for the whole file.
    public let path: String
    public let message: String

    public init(source: String, line: Int?, column: Int?, path: String, message: String) {
        self.source = source
        self.line = line
        self.column = column
        self.path = path
        self.message = message
    }

    public var description: String {
        var text = source
        if let line {
            text += ":\(line)"
            if let column { text += ":\(column)" }
        }
        text += ": "
        if !path.isEmpty { text += path + ": " }
        return text + message
    }
}
