import Hummingbird

/// The paths and methods a node serves, so that an error can tell "no such path" (404) from "no
/// such method on this path" (405), which Hummingbird's router does not distinguish.
public struct RouteTable: Sendable {
    private let patterns: [(segments: [Substring], method: HTTPRequest.Method)]
    /// The body limit reported when Hummingbird itself refuses a body as too large.
    public let bodyLimit: Int

    public init(_ routes: [Route], bodyLimit: Int = RequestBody.defaultLimit) {
        patterns = routes.map { (Self.segments($0.path), $0.method) }
        self.bodyLimit = bodyLimit
    }

    /// The methods served on `path`, in registration order; empty for an unknown path.
    public func methods(for path: String) -> [HTTPRequest.Method] {
        let segments = Self.segments(path)
        var methods: [HTTPRequest.Method] = []
        for pattern in patterns where Self.matches(pattern.segments, segments) && !methods.contains(pattern.method) {
            methods.append(pattern.method)
        }
        return methods
    }

    private static func segments(_ path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: true)
    }

    private static func matches(_ pattern: [Substring], _ segments: [Substring]) -> Bool {
        guard pattern.count == segments.count else { return false }
        for (expected, actual) in zip(pattern, segments) {
            let isParameter = expected.first == ":" || (expected.first == "{" && expected.last == "}")
            if !isParameter && expected != actual { return false }
        }
        return true
    }
}
