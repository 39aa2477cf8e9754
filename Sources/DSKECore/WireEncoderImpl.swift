/// An `Encoder` that builds a `JSONValue`, keeping object members in the order `encode(to:)`
/// writes them. Foundation's `JSONEncoder` on Linux emits members in hash order, which would
/// make our bodies differ from the reference's on every run.
struct WireEncoderImpl: Encoder {
    let slot: Slot
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    /// A place in the tree being built; containers write into it by reference.
    final class Slot {
        enum Kind { case unset, value, object, array }

        private(set) var kind = Kind.unset
        private var value = JSONValue.null
        private var keys: [String] = []
        private var members: [String: Slot] = [:]
        private var elements: [Slot] = []

        func set(_ newValue: JSONValue) {
            kind = .value
            value = newValue
        }

        func makeObject() {
            guard kind != .object else { return }
            kind = .object
            keys = []
            members = [:]
        }

        func makeArray() {
            guard kind != .array else { return }
            kind = .array
            elements = []
        }

        /// The slot for a member, created on first use; encoding a key twice overwrites in place.
        func member(_ key: String) -> Slot {
            makeObject()
            if let slot = members[key] { return slot }
            let slot = Slot()
            keys.append(key)
            members[key] = slot
            return slot
        }

        func appendElement() -> Slot {
            makeArray()
            let slot = Slot()
            elements.append(slot)
            return slot
        }

        var elementCount: Int { elements.count }

        func materialize() -> JSONValue {
            switch kind {
            case .unset: return .object(JSONObject())
            case .value: return value
            case .object:
                var object = JSONObject()
                for key in keys { object.appendUnchecked(key, members[key]!.materialize()) }
                return .object(object)
            case .array: return .array(elements.map { $0.materialize() })
            }
        }
    }

    static func encode<T: Encodable>(_ value: T) throws -> JSONValue {
        let slot = Slot()
        try encode(value, into: slot, path: [])
        return slot.materialize()
    }

    static func encode<T: Encodable>(_ value: T, into slot: Slot, path: [any CodingKey]) throws {
        if let json = value as? JSONValue {
            slot.set(json)
        } else if let object = value as? JSONObject {
            slot.set(.object(object))
        } else {
            try value.encode(to: WireEncoderImpl(slot: slot, codingPath: path))
        }
    }

    static func number(_ value: Double, path: [any CodingKey]) throws -> JSONValue {
        guard let number = JSONNumber(value) else {
            throw EncodingError.invalidValue(value, .init(codingPath: path, debugDescription: "JSON cannot carry \(value)"))
        }
        return .number(number)
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        slot.makeObject()
        return KeyedEncodingContainer(KeyedContainer<Key>(slot: slot, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        slot.makeArray()
        return UnkeyedContainer(slot: slot, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleValueContainer(slot: slot, codingPath: codingPath)
    }

    struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let slot: Slot
        let codingPath: [any CodingKey]

        private func put(_ value: JSONValue, _ key: Key) { slot.member(key.stringValue).set(value) }

        mutating func encodeNil(forKey key: Key) throws { put(.null, key) }
        mutating func encode(_ value: Bool, forKey key: Key) throws { put(.bool(value), key) }
        mutating func encode(_ value: String, forKey key: Key) throws { put(.string(value), key) }
        mutating func encode(_ value: Double, forKey key: Key) throws {
            put(try WireEncoderImpl.number(value, path: codingPath + [key]), key)
        }
        mutating func encode(_ value: Float, forKey key: Key) throws {
            put(try WireEncoderImpl.number(Double(value), path: codingPath + [key]), key)
        }
        mutating func encode(_ value: Int, forKey key: Key) throws { put(.number(JSONNumber(value)), key) }
        mutating func encode(_ value: Int8, forKey key: Key) throws { put(.number(JSONNumber(value)), key) }
        mutating func encode(_ value: Int16, forKey key: Key) throws { put(.number(JSONNumber(value)), key) }
        mutating func encode(_ value: Int32, forKey key: Key) throws { put(.number(JSONNumber(value)), key) }
        mutating func encode(_ value: Int64, forKey key: Key) throws { put(.number(JSONNumber(value)), key) }
        mutating func encode(_ value: UInt, forKey key: Key) throws { put(.number(JSONNumber(value)), key) }
        mutating func encode(_ value: UInt8, forKey key: Key) throws { put(.number(JSONNumber(value)), key) }
        mutating func encode(_ value: UInt16, forKey key: Key) throws { put(.number(JSONNumber(value)), key) }
        mutating func encode(_ value: UInt32, forKey key: Key) throws { put(.number(JSONNumber(value)), key) }
        mutating func encode(_ value: UInt64, forKey key: Key) throws { put(.number(JSONNumber(value)), key) }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            try WireEncoderImpl.encode(value, into: slot.member(key.stringValue), path: codingPath + [key])
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
            -> KeyedEncodingContainer<NestedKey>
        {
            let child = slot.member(key.stringValue)
            child.makeObject()
            return KeyedEncodingContainer(KeyedContainer<NestedKey>(slot: child, codingPath: codingPath + [key]))
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            let child = slot.member(key.stringValue)
            child.makeArray()
            return UnkeyedContainer(slot: child, codingPath: codingPath + [key])
        }

        mutating func superEncoder() -> any Encoder {
            WireEncoderImpl(slot: slot.member("super"), codingPath: codingPath + [AnyCodingKey("super")])
        }

        mutating func superEncoder(forKey key: Key) -> any Encoder {
            WireEncoderImpl(slot: slot.member(key.stringValue), codingPath: codingPath + [key])
        }
    }

    struct UnkeyedContainer: UnkeyedEncodingContainer {
        let slot: Slot
        let codingPath: [any CodingKey]
        var count: Int { slot.elementCount }

        private func put(_ value: JSONValue) { slot.appendElement().set(value) }
        private var nextKey: AnyCodingKey { AnyCodingKey(index: count) }

        mutating func encodeNil() throws { put(.null) }
        mutating func encode(_ value: Bool) throws { put(.bool(value)) }
        mutating func encode(_ value: String) throws { put(.string(value)) }
        mutating func encode(_ value: Double) throws { put(try WireEncoderImpl.number(value, path: codingPath + [nextKey])) }
        mutating func encode(_ value: Float) throws {
            put(try WireEncoderImpl.number(Double(value), path: codingPath + [nextKey]))
        }
        mutating func encode(_ value: Int) throws { put(.number(JSONNumber(value))) }
        mutating func encode(_ value: Int8) throws { put(.number(JSONNumber(value))) }
        mutating func encode(_ value: Int16) throws { put(.number(JSONNumber(value))) }
        mutating func encode(_ value: Int32) throws { put(.number(JSONNumber(value))) }
        mutating func encode(_ value: Int64) throws { put(.number(JSONNumber(value))) }
        mutating func encode(_ value: UInt) throws { put(.number(JSONNumber(value))) }
        mutating func encode(_ value: UInt8) throws { put(.number(JSONNumber(value))) }
        mutating func encode(_ value: UInt16) throws { put(.number(JSONNumber(value))) }
        mutating func encode(_ value: UInt32) throws { put(.number(JSONNumber(value))) }
        mutating func encode(_ value: UInt64) throws { put(.number(JSONNumber(value))) }
        mutating func encode<T: Encodable>(_ value: T) throws {
            let key = nextKey
            try WireEncoderImpl.encode(value, into: slot.appendElement(), path: codingPath + [key])
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
            -> KeyedEncodingContainer<NestedKey>
        {
            let key = nextKey
            let child = slot.appendElement()
            child.makeObject()
            return KeyedEncodingContainer(KeyedContainer<NestedKey>(slot: child, codingPath: codingPath + [key]))
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            let key = nextKey
            let child = slot.appendElement()
            child.makeArray()
            return UnkeyedContainer(slot: child, codingPath: codingPath + [key])
        }

        mutating func superEncoder() -> any Encoder {
            let key = nextKey
            return WireEncoderImpl(slot: slot.appendElement(), codingPath: codingPath + [key])
        }
    }

    struct SingleValueContainer: SingleValueEncodingContainer {
        let slot: Slot
        let codingPath: [any CodingKey]

        private func put(_ value: JSONValue) { slot.set(value) }

        mutating func encodeNil() throws { put(.null) }
        mutating func encode(_ value: Bool) throws { put(.bool(value)) }
        mutating func encode(_ value: String) throws { put(.string(value)) }
        mutating func encode(_ value: Double) throws { put(try WireEncoderImpl.number(value, path: codingPath)) }
        mutating func encode(_ value: Float) throws { put(try WireEncoderImpl.number(Double(value), path: codingPath)) }
        mutating func encode(_ value: Int) throws { put(.number(JSONNumber(value))) }
        mutating func encode(_ value: Int8) throws { put(.number(JSONNumber(value))) }
        mutating func encode(_ value: Int16) throws { put(.number(JSONNumber(value))) }
        mutating func encode(_ value: Int32) throws { put(.number(JSONNumber(value))) }
        mutating func encode(_ value: Int64) throws { put(.number(JSONNumber(value))) }
        mutating func encode(_ value: UInt) throws { put(.number(JSONNumber(value))) }
        mutating func encode(_ value: UInt8) throws { put(.number(JSONNumber(value))) }
        mutating func encode(_ value: UInt16) throws { put(.number(JSONNumber(value))) }
        mutating func encode(_ value: UInt32) throws { put(.number(JSONNumber(value))) }
        mutating func encode(_ value: UInt64) throws { put(.number(JSONNumber(value))) }
        mutating func encode<T: Encodable>(_ value: T) throws {
            try WireEncoderImpl.encode(value, into: slot, path: codingPath)
        }
    }
}
