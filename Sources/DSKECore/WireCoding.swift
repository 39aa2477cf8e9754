/// Encodes and decodes wire messages.
///
/// Output matches the reference byte for byte: compact, members in declaration order, `/` not
/// escaped, non-ASCII characters as UTF-8 (Python's `json.dumps(separators=(",", ":"),
/// ensure_ascii=False)`, which FastAPI responses and httpx 0.28 request bodies both use).
///
/// Input is parsed strictly (see `JSONParser`): one JSON value, valid UTF-8, no duplicate member
/// names, nesting at most 64 deep, a size limit per call. Unknown members are ignored, as pydantic
/// does, so newer reference versions can add fields.
public enum WireCoding {
    /// Enough for every message but a PSRD block (use `limit(forBase64Payload:)` there).
    public static let defaultLimit = 1 << 20

    /// The body of a `200` answer to `POST .../key-share`: FastAPI serializes `None` as `null`.
    public static let nullBody: [UInt8] = Array("null".utf8)

    /// A size limit for a message whose bulk is `payloadBytes` bytes carried as base64, plus room
    /// for the rest of the message.
    public static func limit(forBase64Payload payloadBytes: Int) -> Int {
        StrictBase64.encodedLength(of: max(0, payloadBytes)) + 4096
    }

    public static func encode<T: WireMessage>(_ value: T) -> [UInt8] {
        if let direct = value as? any DirectWireEncodable {
            var writer = WireWriter()
            direct.write(to: &writer)
            return writer.bytes
        }
        return codableEncode(value)
    }

    /// The Codable path, which defines the wire form (`DirectWireMessage` types must match it).
    static func codableEncode<T: WireMessage>(_ value: T) -> [UInt8] {
        do {
            return JSONWriter.write(try WireEncoderImpl.encode(value))
        } catch {
            // WireMessage types hold no floating-point values, the only thing that can fail.
            preconditionFailure("wire message \(T.self) failed to encode: \(error)")
        }
    }

    /// Parses a body into a `JSONValue` without interpreting it.
    public static func parse(_ bytes: some Collection<UInt8>, limit: Int = defaultLimit) throws(WireError) -> JSONValue {
        guard bytes.count <= limit else { throw .tooLarge(size: bytes.count, limit: limit) }
        let result: Result<JSONValue, WireError>? = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(WireError) in try JSONParser.parse(buffer) }
        }
        if let result { return try result.get() }
        return try Array(bytes).withUnsafeBufferPointer { buffer throws(WireError) in try JSONParser.parse(buffer) }
    }

    public static func decode<T: Decodable>(_ type: T.Type, from bytes: some Collection<UInt8>,
                                            limit: Int = defaultLimit) throws(WireError) -> T {
        if bytes.count <= limit, let message = bytes.withContiguousStorageIfAvailable({ directDecode(type, from: $0) }) ?? nil {
            return message
        }
        let value = try parse(bytes, limit: limit)
        return try decode(type, from: value)
    }

    /// The message read straight from the bytes, if `T` has such a reader (`DirectBytesMessage`)
    /// and the bytes are in the plain form it takes; nil means parse and decode as usual.
    public static func directDecode<T: Decodable>(_ type: T.Type, from bytes: UnsafeBufferPointer<UInt8>) -> T? {
        guard let direct = T.self as? any DirectBytesMessage.Type else { return nil }
        return direct.init(directBytes: bytes) as? T
    }

    /// Interprets an already parsed value as a message.
    public static func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws(WireError) -> T {
        if let direct = T.self as? any DirectWireMessage.Type, let message = direct.init(direct: value) {
            return message as! T
        }
        return try codableDecode(type, from: value)
    }

    /// The Codable path: the definition of what a message accepts, and the errors it names.
    static func codableDecode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws(WireError) -> T {
        do {
            return try WireDecoderImpl.decode(type, from: value, path: [])
        } catch {
            throw wireError(for: error)
        }
    }

    static func wireError(for error: any Error) -> WireError {
        switch error {
        case let error as WireError:
            return error
        case let error as WireDecoderImpl.PathError:
            let field = WireError.fieldPath(error.path)
            if let inner = error.underlying as? WireError { return inner }
            return .invalidField(field: field, reason: "\(error.underlying)")
        case let DecodingError.keyNotFound(key, context):
            return .missingField(WireError.fieldPath(context.codingPath + [key]))
        case let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context):
            return .typeMismatch(field: WireError.fieldPath(context.codingPath),
                                 expected: context.debugDescription.hasPrefix("expected ")
                                    ? String(context.debugDescription.dropFirst("expected ".count))
                                    : context.debugDescription)
        case let DecodingError.dataCorrupted(context):
            return .invalidField(field: WireError.fieldPath(context.codingPath), reason: context.debugDescription)
        default:
            return .invalidField(field: "", reason: "\(error)")
        }
    }
}
