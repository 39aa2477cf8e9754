/// A JSON object that keeps its members in order, because the reference (Python dicts) writes
/// them in insertion order and our output should read the same. Keys are unique.
///
/// Equality is order-sensitive: two objects are equal when they hold the same members in the
/// same order.
public struct JSONObject: Sendable, Hashable, ExpressibleByDictionaryLiteral, CustomStringConvertible {
    public private(set) var keys: [String] = []
    public private(set) var values: [JSONValue] = []

    public init() {}

    /// Later duplicates replace earlier ones in place.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        for (key, value) in elements { self[key] = value }
    }

    public init<S: Sequence<(String, JSONValue)>>(_ members: S) {
        for (key, value) in members { self[key] = value }
    }

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }

    /// The members in order.
    public var members: [(key: String, value: JSONValue)] {
        zip(keys, values).map { (key: $0, value: $1) }
    }

    /// Reading is a linear search (objects on this wire are small). Assigning `nil` removes the
    /// member; assigning a new key appends it.
    public subscript(key: String) -> JSONValue? {
        get { keys.firstIndex(of: key).map { values[$0] } }
        set {
            if let index = keys.firstIndex(of: key) {
                if let newValue {
                    values[index] = newValue
                } else {
                    keys.remove(at: index)
                    values.remove(at: index)
                }
            } else if let newValue {
                keys.append(key)
                values.append(newValue)
            }
        }
    }

    /// Appends without looking for an existing key; the parser has already refused duplicates.
    mutating func appendUnchecked(_ key: String, _ value: JSONValue) {
        keys.append(key)
        values.append(value)
    }

    public var description: String { String(decoding: JSONWriter.write(.object(self)), as: UTF8.self) }
}

extension JSONObject: Codable {
    public init(from decoder: any Decoder) throws {
        if let wire = decoder as? WireDecoderImpl {
            guard case .object(let object) = wire.value else {
                throw DecodingError.typeMismatch(JSONObject.self, .init(
                    codingPath: decoder.codingPath, debugDescription: "expected an object"))
            }
            self = object
            return
        }
        let container = try decoder.container(keyedBy: AnyCodingKey.self)
        for key in container.allKeys {
            self[key.stringValue] = try container.decode(JSONValue.self, forKey: key)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnyCodingKey.self)
        for (key, value) in zip(keys, values) {
            try container.encode(value, forKey: AnyCodingKey(key))
        }
    }
}
