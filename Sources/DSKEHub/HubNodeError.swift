/// Why a hub could not start.
public enum HubNodeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The configuration has no hub of that name.
    case unknownHub(String)
    /// The data directory could not be created.
    case dataDirectory(path: String, reason: String)

    public var description: String {
        switch self {
        case .unknownHub(let name): "no hub named '\(name)' in the configuration"
        case let .dataDirectory(path, reason): "cannot create data directory \(path): \(reason)"
        }
    }
}
