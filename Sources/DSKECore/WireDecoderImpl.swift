/// A `Decoder` over a parsed `JSONValue`. Stricter than Foundation's: integers must be written
/// as integers (`1`, not `1.0` or `1e0`), and errors thrown by a field's own initializer (a
/// malformed fragment, say) are tagged with the field's path so the caller can name it.
struct WireDecoderImpl: Decoder {
    let value: JSONValue
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    /// An error from a nested initializer, with the path where it happened.
    struct PathError: Error {
        let path: [any CodingKey]
        let underlying: any Error
    }

    static func describe(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    static func mismatch(_ type: Any.Type, _ expected: String, _ value: JSONValue, _ path: [any CodingKey]) -> DecodingError {
        if case .null = value {
            return .valueNotFound(type, .init(codingPath: path, debugDescription: "expected \(expected), found null"))
        }
        return .typeMismatch(type, .init(codingPath: path, debugDescription: "expected \(expected), found \(describe(value))"))
    }

    static func bool(_ value: JSONValue, _ path: [any CodingKey]) throws -> Bool {
        guard case .bool(let flag) = value else { throw mismatch(Bool.self, "a boolean", value, path) }
        return flag
    }

    static func string(_ value: JSONValue, _ path: [any CodingKey]) throws -> String {
        guard case .string(let text) = value else { throw mismatch(String.self, "a string", value, path) }
        return text
    }

    static func integer<I: FixedWidthInteger>(_ value: JSONValue, _ path: [any CodingKey]) throws -> I {
        guard case .number(let number) = value, number.isInteger else {
            throw mismatch(I.self, "an integer", value, path)
        }
        guard let integer = number.integer(as: I.self) else {
            throw DecodingError.dataCorrupted(.init(codingPath: path,
                debugDescription: "integer out of range \(I.min)...\(I.max)"))
        }
        return integer
    }

    static func double(_ value: JSONValue, _ path: [any CodingKey]) throws -> Double {
        guard case .number(let number) = value else { throw mismatch(Double.self, "a number", value, path) }
        guard let double = number.double else {
            throw DecodingError.dataCorrupted(.init(codingPath: path, debugDescription: "number out of range"))
        }
        return double
    }

    static func decode<T: Decodable>(_ type: T.Type, from value: JSONValue, path: [any CodingKey]) throws -> T {
        if T.self == JSONValue.self { return value as! T }
        do {
            return try T(from: WireDecoderImpl(value: value, codingPath: path))
        } catch let error as DecodingError {
            throw error
        } catch let error as PathError {
            throw error
        } catch let error as WireError {
            throw error
        } catch {
            throw PathError(path: path, underlying: error)
        }
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let object) = value else {
            throw Self.mismatch(JSONObject.self, "an object", value, codingPath)
        }
        return KeyedDecodingContainer(KeyedContainer<Key>(object: object, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let elements) = value else {
            throw Self.mismatch([JSONValue].self, "an array", value, codingPath)
        }
        return UnkeyedContainer(elements: elements, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleValueContainer(value: value, codingPath: codingPath)
    }

    struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let object: JSONObject
        let codingPath: [any CodingKey]
        private let index: [String: Int]

        init(object: JSONObject, codingPath: [any CodingKey]) {
            self.object = object
            self.codingPath = codingPath
            // Keys are unique (the parser refuses duplicates), so this cannot trap.
            index = Dictionary(uniqueKeysWithValues: object.keys.enumerated().map { ($1, $0) })
        }

        var allKeys: [Key] { object.keys.compactMap { Key(stringValue: $0) } }

        func contains(_ key: Key) -> Bool { index[key.stringValue] != nil }

        private func member(_ key: Key) throws -> JSONValue {
            guard let position = index[key.stringValue] else {
                throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "missing"))
            }
            return object.values[position]
        }

        func decodeNil(forKey key: Key) throws -> Bool {
            if case .null = try member(key) { return true }
            return false
        }

        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try WireDecoderImpl.bool(member(key), codingPath + [key]) }
        func decode(_ type: String.Type, forKey key: Key) throws -> String { try WireDecoderImpl.string(member(key), codingPath + [key]) }
        func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try WireDecoderImpl.double(member(key), codingPath + [key]) }
        func decode(_ type: Float.Type, forKey key: Key) throws -> Float { Float(try WireDecoderImpl.double(member(key), codingPath + [key])) }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try WireDecoderImpl.integer(member(key), codingPath + [key]) }
        func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try WireDecoderImpl.integer(member(key), codingPath + [key]) }
        func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try WireDecoderImpl.integer(member(key), codingPath + [key]) }
        func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try WireDecoderImpl.integer(member(key), codingPath + [key]) }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try WireDecoderImpl.integer(member(key), codingPath + [key]) }
        func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try WireDecoderImpl.integer(member(key), codingPath + [key]) }
        func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try WireDecoderImpl.integer(member(key), codingPath + [key]) }
        func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try WireDecoderImpl.integer(member(key), codingPath + [key]) }
        func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try WireDecoderImpl.integer(member(key), codingPath + [key]) }
        func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try WireDecoderImpl.integer(member(key), codingPath + [key]) }
        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            try WireDecoderImpl.decode(type, from: member(key), path: codingPath + [key])
        }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
            -> KeyedDecodingContainer<NestedKey>
        {
            try WireDecoderImpl(value: member(key), codingPath: codingPath + [key]).container(keyedBy: type)
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            try WireDecoderImpl(value: member(key), codingPath: codingPath + [key]).unkeyedContainer()
        }

        func superDecoder() throws -> any Decoder {
            let key = AnyCodingKey("super")
            return WireDecoderImpl(value: object["super"] ?? .null, codingPath: codingPath + [key])
        }

        func superDecoder(forKey key: Key) throws -> any Decoder {
            WireDecoderImpl(value: try member(key), codingPath: codingPath + [key])
        }
    }

    struct UnkeyedContainer: UnkeyedDecodingContainer {
        let elements: [JSONValue]
        let codingPath: [any CodingKey]
        private(set) var currentIndex = 0

        init(elements: [JSONValue], codingPath: [any CodingKey]) {
            self.elements = elements
            self.codingPath = codingPath
        }

        var count: Int? { elements.count }
        var isAtEnd: Bool { currentIndex >= elements.count }

        private var path: [any CodingKey] { codingPath + [AnyCodingKey(index: currentIndex)] }

        private mutating func next<T>(_ type: T.Type, _ convert: (JSONValue, [any CodingKey]) throws -> T) throws -> T {
            guard !isAtEnd else {
                throw DecodingError.valueNotFound(type, .init(codingPath: path, debugDescription: "array has no more elements"))
            }
            let result = try convert(elements[currentIndex], path)
            currentIndex += 1
            return result
        }

        mutating func decodeNil() throws -> Bool {
            guard !isAtEnd else {
                throw DecodingError.valueNotFound(JSONValue.self, .init(codingPath: path, debugDescription: "array has no more elements"))
            }
            if case .null = elements[currentIndex] {
                currentIndex += 1
                return true
            }
            return false
        }

        mutating func decode(_ type: Bool.Type) throws -> Bool { try next(type, WireDecoderImpl.bool) }
        mutating func decode(_ type: String.Type) throws -> String { try next(type, WireDecoderImpl.string) }
        mutating func decode(_ type: Double.Type) throws -> Double { try next(type, WireDecoderImpl.double) }
        mutating func decode(_ type: Float.Type) throws -> Float { Float(try next(Double.self, WireDecoderImpl.double)) }
        mutating func decode(_ type: Int.Type) throws -> Int { try next(type, WireDecoderImpl.integer) }
        mutating func decode(_ type: Int8.Type) throws -> Int8 { try next(type, WireDecoderImpl.integer) }
        mutating func decode(_ type: Int16.Type) throws -> Int16 { try next(type, WireDecoderImpl.integer) }
        mutating func decode(_ type: Int32.Type) throws -> Int32 { try next(type, WireDecoderImpl.integer) }
        mutating func decode(_ type: Int64.Type) throws -> Int64 { try next(type, WireDecoderImpl.integer) }
        mutating func decode(_ type: UInt.Type) throws -> UInt { try next(type, WireDecoderImpl.integer) }
        mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try next(type, WireDecoderImpl.integer) }
        mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try next(type, WireDecoderImpl.integer) }
        mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try next(type, WireDecoderImpl.integer) }
        mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try next(type, WireDecoderImpl.integer) }
        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
            try next(type) { value, path in try WireDecoderImpl.decode(type, from: value, path: path) }
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
            -> KeyedDecodingContainer<NestedKey>
        {
            try next(KeyedDecodingContainer<NestedKey>.self) { value, path in
                try WireDecoderImpl(value: value, codingPath: path).container(keyedBy: type)
            }
        }

        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
            try next((any UnkeyedDecodingContainer).self) { value, path in
                try WireDecoderImpl(value: value, codingPath: path).unkeyedContainer()
            }
        }

        mutating func superDecoder() throws -> any Decoder {
            try next((any Decoder).self) { value, path in WireDecoderImpl(value: value, codingPath: path) }
        }
    }

    struct SingleValueContainer: SingleValueDecodingContainer {
        let value: JSONValue
        let codingPath: [any CodingKey]

        func decodeNil() -> Bool {
            if case .null = value { return true }
            return false
        }

        func decode(_ type: Bool.Type) throws -> Bool { try WireDecoderImpl.bool(value, codingPath) }
        func decode(_ type: String.Type) throws -> String { try WireDecoderImpl.string(value, codingPath) }
        func decode(_ type: Double.Type) throws -> Double { try WireDecoderImpl.double(value, codingPath) }
        func decode(_ type: Float.Type) throws -> Float { Float(try WireDecoderImpl.double(value, codingPath)) }
        func decode(_ type: Int.Type) throws -> Int { try WireDecoderImpl.integer(value, codingPath) }
        func decode(_ type: Int8.Type) throws -> Int8 { try WireDecoderImpl.integer(value, codingPath) }
        func decode(_ type: Int16.Type) throws -> Int16 { try WireDecoderImpl.integer(value, codingPath) }
        func decode(_ type: Int32.Type) throws -> Int32 { try WireDecoderImpl.integer(value, codingPath) }
        func decode(_ type: Int64.Type) throws -> Int64 { try WireDecoderImpl.integer(value, codingPath) }
        func decode(_ type: UInt.Type) throws -> UInt { try WireDecoderImpl.integer(value, codingPath) }
        func decode(_ type: UInt8.Type) throws -> UInt8 { try WireDecoderImpl.integer(value, codingPath) }
        func decode(_ type: UInt16.Type) throws -> UInt16 { try WireDecoderImpl.integer(value, codingPath) }
        func decode(_ type: UInt32.Type) throws -> UInt32 { try WireDecoderImpl.integer(value, codingPath) }
        func decode(_ type: UInt64.Type) throws -> UInt64 { try WireDecoderImpl.integer(value, codingPath) }
        func decode<T: Decodable>(_ type: T.Type) throws -> T {
            try WireDecoderImpl.decode(type, from: value, path: codingPath)
        }
    }
}
