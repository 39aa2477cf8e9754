/// Why a client could not be set up from its settings.
public enum ClientSetupError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The configuration has no client of this name.
    case unknownClient(String)
    /// The settings contradict themselves.
    case invalid(String)

    public var description: String {
        switch self {
        case .unknownClient(let name): "the configuration has no client named '\(name)'"
        case .invalid(let why): "invalid client settings: \(why)"
        }
    }
}
