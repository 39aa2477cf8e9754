import Foundation

// The multi extension: several batch messages of one client to one hub, for different SAE pairs,
// carried in one signed message. A client merges the share messages of concurrent key requests
// while an earlier message to the same hub is in flight, so eight encryptor pairs asking at once
// cost a few hub exchanges instead of one each. Each inner message keeps its own outcome, as if it
// had travelled alone: one request's refusal (an unknown SAE, a share already held) never fails
// another's. A hub advertises it as `multi` in its capabilities; a reference hub never sees it.

/// Limits of the multi messages.
public enum KeyShareMulti {
    /// Inner messages in one multi message.
    public static let maxMessages = 64
}

/// Body of `POST /hub/{hub}/dske/api/v1/key-shares/multi`: the inner `POST key-shares` bodies,
/// all from `master_client_name`, at most `KeyShareBatch.maxCount` shares in all.
/// The answer is a signed `KeySharesMultiResponse`, one outcome per inner message, in order.
public struct PostKeySharesMultiRequest: WireMessage, Hashable {
    public let masterClientName: String
    public let messages: [PostKeySharesRequest]

    public init(masterClientName: String, messages: [PostKeySharesRequest]) {
        self.masterClientName = masterClientName
        self.messages = messages
    }

    enum CodingKeys: String, CodingKey {
        case masterClientName = "master_client_name"
        case messages
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        masterClientName = try container.decode(String.self, forKey: .masterClientName)
        messages = try container.decode([PostKeySharesRequest].self, forKey: .messages)
        if let problem = Self.problem(client: masterClientName, clients: messages.map(\.masterClientName),
                                      counts: messages.map { $0.shareCount }) {
            throw DecodingError.dataCorruptedError(forKey: .messages, in: container, debugDescription: problem)
        }
    }

    /// What is wrong with a multi message's shape, if anything: 1...`maxMessages` inner messages,
    /// each from the envelope's client, at most `KeyShareBatch.maxCount` entries in all.
    static func problem(client: String, clients: [String], counts: [Int]) -> String? {
        guard (1...KeyShareMulti.maxMessages).contains(clients.count) else {
            return "1 to \(KeyShareMulti.maxMessages) inner messages, got \(clients.count)"
        }
        guard clients.allSatisfy({ $0 == client }) else { return "an inner message names another client" }
        let total = counts.reduce(0, +)
        guard total <= KeyShareBatch.maxCount else {
            return "\(total) entries in all exceed the batch limit of \(KeyShareBatch.maxCount)"
        }
        return nil
    }
}

/// Body of `POST /hub/{hub}/dske/api/v1/key-shares/fetch-multi`: the inner `POST key-shares/fetch`
/// bodies, all from `client_name`, at most `KeyShareBatch.maxCount` key IDs in all. The answer is
/// a signed `KeySharesMultiResponse` whose outcomes carry the shares.
public struct FetchKeySharesMultiRequest: WireMessage, Hashable {
    public let clientName: String
    public let requests: [FetchKeySharesRequest]

    public init(clientName: String, requests: [FetchKeySharesRequest]) {
        self.clientName = clientName
        self.requests = requests
    }

    enum CodingKeys: String, CodingKey {
        case clientName = "client_name"
        case requests
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        clientName = try container.decode(String.self, forKey: .clientName)
        requests = try container.decode([FetchKeySharesRequest].self, forKey: .requests)
        if let problem = PostKeySharesMultiRequest.problem(client: clientName, clients: requests.map(\.clientName),
                                                           counts: requests.map(\.keyIDs.count)) {
            throw DecodingError.dataCorruptedError(forKey: .requests, in: container, debugDescription: problem)
        }
    }
}

/// What one inner message got: 200 (with the shares, for a fetch), or the status and error body
/// the hub would have answered had the message come alone.
public struct KeySharesOutcome: WireMessage, Hashable {
    public let status: Int
    /// Present exactly when `status` is not 200.
    public let error: ErrorResponse?
    /// The packed form the shares travel in, when they do (as `FetchKeySharesResponse.packed`).
    public let packed: PackedShares?
    /// The list form; nil when the shares are packed, and in a post's outcomes.
    public let listShares: [BatchKeyShare]?

    /// A fetch's shares (status 200); absent in a post's outcomes. Built from the packed form on
    /// every call when the shares are packed.
    public var shares: [BatchKeyShare]? { packed?.shares ?? listShares }

    public init(status: Int, error: ErrorResponse? = nil, shares: [BatchKeyShare]? = nil, packed: Bool = false) {
        self.status = status
        self.error = error
        let form = packed ? shares.flatMap(PackedShares.init) : nil
        self.packed = form
        self.listShares = form == nil ? shares : nil
    }

    public init(packed: PackedShares) {
        self.status = 200
        self.error = nil
        self.packed = packed
        self.listShares = nil
    }

    public static let accepted = KeySharesOutcome(status: 200)

    public var isOK: Bool { status == 200 }

    enum CodingKeys: String, CodingKey {
        case status
        case error
        case shares
        case packed = "packed_shares"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        status = try container.decodeInteger(forKey: .status, in: 200...599)
        error = try container.decodeIfPresent(ErrorResponse.self, forKey: .error)
        let found = try container.decodeSharesIfPresent(list: .shares, packed: .packed)
        packed = found?.packed
        listShares = packed == nil ? found?.list : nil
        guard (status == 200) == (error == nil) else {
            throw DecodingError.dataCorruptedError(forKey: .error, in: container,
                                                   debugDescription: "an error body goes with a status other than 200, and only then")
        }
        if let listShares, let problem = FetchKeySharesResponse.problem(listShares.map { $0.userKeyID }) {
            throw DecodingError.dataCorruptedError(forKey: .shares, in: container, debugDescription: problem)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(status, forKey: .status)
        try container.encodeIfPresent(error, forKey: .error)
        if packed != nil || listShares != nil { try container.encodeShares(listShares ?? [], packed: packed, list: .shares, packedKey: .packed) }
    }
}

/// Answer to the multi messages: one outcome per inner message, in order.
public struct KeySharesMultiResponse: WireMessage, Hashable {
    public let outcomes: [KeySharesOutcome]

    public init(outcomes: [KeySharesOutcome]) { self.outcomes = outcomes }

    enum CodingKeys: String, CodingKey {
        case outcomes
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        outcomes = try container.decode([KeySharesOutcome].self, forKey: .outcomes)
        guard (1...KeyShareMulti.maxMessages).contains(outcomes.count) else {
            throw DecodingError.dataCorruptedError(forKey: .outcomes, in: container,
                                                   debugDescription: "1 to \(KeyShareMulti.maxMessages) outcomes, got \(outcomes.count)")
        }
    }
}

// MARK: Without Codable (see `DirectWireMessage`)

extension PostKeySharesMultiRequest: DirectWireMessage, DirectBytesMessage {
    func write(to writer: inout WireWriter) {
        writer.raw("{\"master_client_name\":")
        writer.string(masterClientName)
        writer.raw(",\"messages\":")
        writer.array(messages) { $1.write(to: &$0) }
        writer.raw("}")
    }

    init?(direct value: JSONValue) {
        guard let object = value.directObject, let client = object["master_client_name"]?.directString,
              let messages = object["messages"]?.directList(of: PostKeySharesRequest.self),
              Self.problem(client: client, clients: messages.map(\.masterClientName), counts: messages.map { $0.shareCount }) == nil
        else { return nil }
        self.init(masterClientName: client, messages: messages)
    }

    init?(directBytes bytes: UnsafeBufferPointer<UInt8>) {
        guard let message = DirectWireReader.read(bytes, { reader -> PostKeySharesMultiRequest? in
            var client: String?, messages: [PostKeySharesRequest]?
            guard reader.object({ reader, key in
                if key.isKey("master_client_name") { return client.fill(reader.string()) }
                if key.isKey("messages") { return messages.fill(reader.array(limit: KeyShareMulti.maxMessages, PostKeySharesRequest.read)) }
                return false
            }), let client, let messages,
                  Self.problem(client: client, clients: messages.map(\.masterClientName), counts: messages.map { $0.shareCount }) == nil
            else { return nil }
            return PostKeySharesMultiRequest(masterClientName: client, messages: messages)
        }) else { return nil }
        self = message
    }
}

extension FetchKeySharesMultiRequest: DirectWireMessage, DirectBytesMessage {
    /// The common request straight from the bytes (a hub read 128 key IDs of it through the
    /// JSON tree before); anything else takes the parser and Codable path.
    init?(directBytes bytes: UnsafeBufferPointer<UInt8>) {
        guard let message = DirectWireReader.read(bytes, { reader -> FetchKeySharesMultiRequest? in
            var client: String?, requests: [FetchKeySharesRequest]?
            guard reader.object({ reader, key in
                if key.isKey("client_name") { return client.fill(reader.string()) }
                if key.isKey("requests") { return requests.fill(reader.array(limit: KeyShareMulti.maxMessages, FetchKeySharesRequest.read)) }
                return false
            }), let client, let requests,
                  PostKeySharesMultiRequest.problem(client: client, clients: requests.map(\.clientName),
                                                    counts: requests.map(\.keyIDs.count)) == nil
            else { return nil }
            return FetchKeySharesMultiRequest(clientName: client, requests: requests)
        }) else { return nil }
        self = message
    }

    func write(to writer: inout WireWriter) {
        writer.raw("{\"client_name\":")
        writer.string(clientName)
        writer.raw(",\"requests\":")
        writer.array(requests) { $1.write(to: &$0) }
        writer.raw("}")
    }

    init?(direct value: JSONValue) {
        guard let object = value.directObject, let client = object["client_name"]?.directString,
              let requests = object["requests"]?.directList(of: FetchKeySharesRequest.self),
              PostKeySharesMultiRequest.problem(client: client, clients: requests.map(\.clientName),
                                                counts: requests.map(\.keyIDs.count)) == nil
        else { return nil }
        self.init(clientName: client, requests: requests)
    }
}

extension KeySharesOutcome: DirectWireEncodable {
    func write(to writer: inout WireWriter) {
        writer.raw("{\"status\":")
        writer.integer(status)
        if let error {
            writer.raw(",\"error\":")
            writer.value(.object(["message": .string(error.message), "details": error.details.map(JSONValue.object) ?? .null]))
        }
        if packed != nil || listShares != nil {
            writer.raw(",")
            writer.shares(listShares ?? [], packed: packed)
        }
        writer.raw("}")
    }

    /// Reads an outcome; an error body, rare, is read through the parser.
    static func read(_ reader: inout DirectWireReader) -> KeySharesOutcome? {
        var status: Int?, shares: [BatchKeyShare]?, packed: PackedShares?, hasError = false
        guard reader.object({ reader, key in
            if key.isKey("status") { return status.fill(reader.integer()) }
            if key.isKey("shares") { return packed == nil && shares.fill(BatchKeyShare.readList(&reader)) }
            if key.isKey("packed_shares") { return shares == nil && packed.fill(PackedShares.read(&reader)) }
            if key.isKey("error") { hasError = true }
            return false
        }), !hasError, let status, status == 200 else { return nil }
        if let packed { return KeySharesOutcome(packed: packed) }
        if let shares, FetchKeySharesResponse.problem(shares.map(\.userKeyID)) != nil { return nil }
        return KeySharesOutcome(status: status, shares: shares)
    }
}

extension KeySharesMultiResponse: DirectWireEncodable, DirectBytesMessage {
    func write(to writer: inout WireWriter) {
        writer.raw("{\"outcomes\":")
        writer.array(outcomes) { $1.write(to: &$0) }
        writer.raw("}")
    }

    /// The common answer, every outcome a 200, straight from the bytes; one with an error body
    /// takes the parser and Codable path.
    init?(directBytes bytes: UnsafeBufferPointer<UInt8>) {
        guard let message = DirectWireReader.read(bytes, { reader -> KeySharesMultiResponse? in
            var outcomes: [KeySharesOutcome]?
            guard reader.object({ reader, key in
                key.isKey("outcomes") && outcomes.fill(reader.array(limit: KeyShareMulti.maxMessages, KeySharesOutcome.read))
            }), let outcomes, !outcomes.isEmpty else { return nil }
            return KeySharesMultiResponse(outcomes: outcomes)
        }) else { return nil }
        self = message
    }
}
