/// Why a message body was refused. Fields are named by their path in the JSON
/// (`encryption_key_allocation.fragments[0].start`); values are never echoed, because some fields
/// carry PSRD or key bytes.
public enum WireError: Error, Equatable, Sendable {
    /// The body is larger than the limit for its message type.
    case tooLarge(size: Int, limit: Int)
    /// The body is not well-formed JSON; `offset` is the byte where the problem was found.
    case malformedJSON(offset: Int, reason: String)
    /// An object names the same member twice: parsers disagree on which one counts (Python keeps
    /// the last, Foundation the first), so a signed message would have two meanings.
    case duplicateKey(field: String)
    /// A required field is absent.
    case missingField(String)
    /// A field holds the wrong kind of JSON value.
    case typeMismatch(field: String, expected: String)
    /// A field has the right kind of value, but not an acceptable one.
    case invalidField(field: String, reason: String)
}

extension WireError: CustomStringConvertible {
    public var description: String {
        switch self {
        case let .tooLarge(size, limit):
            return "message body of \(size) bytes exceeds the limit of \(limit) bytes"
        case let .malformedJSON(offset, reason):
            return "malformed JSON at byte \(offset): \(reason)"
        case .duplicateKey(let field):
            return "duplicate member '\(field)'"
        case .missingField(let field):
            return "missing field '\(field)'"
        case let .typeMismatch(field, expected):
            return field.isEmpty ? "message body: expected \(expected)" : "field '\(field)': expected \(expected)"
        case let .invalidField(field, reason):
            return field.isEmpty ? "message body: \(reason)" : "field '\(field)': \(reason)"
        }
    }

    /// Renders a coding path as `a.b[2].c`. Member names can come from hostile input (duplicate or
    /// extension keys), so they are shortened and stripped of control characters.
    static func fieldPath(_ path: [any CodingKey]) -> String {
        var text = ""
        for key in path {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                if !text.isEmpty { text += "." }
                text += sanitized(key.stringValue)
            }
        }
        return text
    }

    static func sanitized(_ name: String) -> String {
        let cleaned = String(name.unicodeScalars.prefix(64).map { $0.value < 0x20 || $0.value == 0x7F ? "?" : Character($0) })
        return name.unicodeScalars.count > 64 ? cleaned + "..." : cleaned
    }
}
