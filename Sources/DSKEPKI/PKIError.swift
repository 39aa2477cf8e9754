/// A certificate or key that could not be made, read or written: one line, naming the file.
public struct PKIError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
