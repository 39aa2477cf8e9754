/// The failure of a courier job (enrol, issue, import, list, verify, wipe): one line for the
/// operator that says what went wrong and what to do, and whether it was the operator's input
/// (configuration, names, options: exit status 2) or the operation itself (exit status 1).
public struct JobError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: Int32, Sendable {
        /// The operation was attempted and failed: a bad bundle, a full medium, a refused import.
        case failure = 1
        /// The configuration, a node name or an option is wrong; nothing was attempted.
        case usage = 2
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        // One line whatever the cause: scripts read stderr line by line.
        self.message = message.split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    public static func failure(_ message: String) -> JobError { JobError(.failure, message) }
    public static func usage(_ message: String) -> JobError { JobError(.usage, message) }

    /// Any error from the libraries below, with what was being done.
    public static func wrapping(_ error: any Error, _ context: String? = nil) -> JobError {
        if let error = error as? JobError { return error }
        return JobError(.failure, context.map { "\($0): \(error)" } ?? "\(error)")
    }

    public var description: String { message }
}
