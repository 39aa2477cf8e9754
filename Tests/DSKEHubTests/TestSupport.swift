import AsyncHTTPClient
import DSKECore
import DSKEHub
import DSKEService
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import PSRDStore
import Synchronization
import Testing

/// Time that moves only when a test says so (share expiry, failure windows).
final class TestClock: Sendable {
    private let base = ContinuousClock.now
    private let offset = Mutex<Duration>(.zero)

    func now() -> ContinuousClock.Instant { base + offset.withLock { $0 } }
    func advance(by duration: Duration) { offset.withLock { $0 += duration } }
}

/// A scratch directory removed when the test ends.
struct Scratch: Sendable {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("dske-hub-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// An HTTP answer as the wire carried it.
struct Reply: Sendable, CustomStringConvertible {
    let status: Int
    let headers: HTTPHeaders
    let body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }
    var json: JSONValue? { try? WireCoding.parse(body) }
    var signature: String? { headers.first(name: DSKESignature.headerName) }

    /// The reference error body `{"message": str, "details": object|null}` with a JSON type.
    var isJSONError: Bool {
        guard headers.first(name: "Content-Type")?.hasPrefix("application/json") == true,
              case .object(let object)? = json, case .string? = object["message"], let details = object["details"]
        else { return false }
        switch details {
        case .null, .object: return true
        default: return false
        }
    }

    var error: ErrorResponse? { try? WireCoding.decode(ErrorResponse.self, from: body) }

    var description: String { "\(status) \(text.prefix(300))" }
}

/// Raw requests, for bodies and headers no well-behaved client would send.
enum RawHTTP {
    static func send(_ method: HTTPMethod, _ url: String, headers: [(String, String)] = [], body: [UInt8]? = nil) async throws -> Reply {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await DSKEHTTPClient.shared.execute(request, timeout: .seconds(10))
        let buffer = try await response.body.collect(upTo: 64 << 20)
        return Reply(status: Int(response.status.code), headers: response.headers, body: Array(buffer.readableBytesView))
    }
}

/// One hub served in-process on an ephemeral loopback port, over a store the test can inspect.
final class HubFixture: Sendable {
    let name: String
    let scratch: Scratch
    let clock: TestClock
    let settings: HubSettings
    private let state: Mutex<(store: NodeStore, node: RunningNode)?> = Mutex(nil)

    var store: NodeStore { state.withLock { $0!.store } }
    var node: RunningNode { state.withLock { $0!.node } }
    var baseURL: String { node.baseURL }
    var origin: String { "http://\(node.host):\(node.port)" }
    var storeDirectory: String { scratch.path + "/" + name }

    private init(settings: HubSettings, scratch: Scratch, clock: TestClock) {
        self.name = settings.name
        self.settings = settings
        self.scratch = scratch
        self.clock = clock
    }

    /// Runs `body` against a fresh hub; stops it and removes its files afterwards.
    static func with<R>(_ settings: HubSettings = HubSettings(name: "hank", shareExpiry: .seconds(60)),
                        _ body: (HubFixture) async throws -> R) async throws -> R {
        let hub = HubFixture(settings: settings, scratch: try Scratch(), clock: TestClock())
        defer { hub.scratch.remove() }
        try await hub.open()
        do {
            let result = try await body(hub)
            await hub.stop()
            return result
        } catch {
            await hub.stop()
            throw error
        }
    }

    func open() async throws {
        let store = try await HubNode.openStore(directory: storeDirectory)
        let clock = self.clock
        var logger = Logger(label: "test.hub.\(name)")
        logger.logLevel = .critical
        let runtime = try HubNode.runtime(settings: settings, store: store, logger: logger, now: { clock.now() })
        let node = try await runtime.start()
        state.withLock { $0 = (store, node) }
    }

    func stop() async {
        let current = state.withLock { state in
            defer { state = nil }
            return state
        }
        await current?.node.stop()
    }

    /// Stops the hub (closing its store) and starts it again over the same directory.
    func restart() async throws {
        await stop()
        try await open()
    }

    func register(_ client: String, encryptors: [String]) async throws {
        let body = WireCoding.encode(RegistrationRequest(clientName: client, encryptorNames: encryptors))
        let reply = try await RawHTTP.send(.PUT, baseURL + "/dske/oob/v1/registration", headers: [("Content-Type", "application/json")], body: body)
        try #require(reply.status == 200, "registration of \(client): \(reply)")
    }

    /// Unused bytes of the hub's pools with `client`: (hub-owned, client-owned).
    func levels(_ client: String) async -> (own: Int, peer: Int) {
        (await store.unusedBytes(peer: client, owner: .hub), await store.unusedBytes(peer: client, owner: .client))
    }
}

/// A client played by the test: its own client-role store holding the same blocks as the hub,
/// signing and verifying through DSKEService as the real client does.
struct TestClient: Sendable {
    let name: String
    let hub: HubFixture
    let store: NodeStore
    let connection: PeerConnection
    /// The block of each pool the client got at registration.
    var blocks: [PoolOwner: UUID] = [:]

    /// Registers `name` with the hub and fetches `bytes` of PSRD into each pool of the pair.
    static func make(_ name: String, encryptors: [String], hub: HubFixture, bytes: Int = 4096) async throws -> TestClient {
        try await hub.register(name, encryptors: encryptors)
        let store = try await NodeStore(directory: hub.scratch.path + "/client-" + name, localRole: .client)
        var blocks: [PoolOwner: UUID] = [:]
        for owner in ["client", "hub"] {
            let reply = try await RawHTTP.send(.GET, hub.baseURL + "/dske/oob/v1/psrd?client_name=\(name)&pool_owner=\(owner)&size=\(bytes)")
            try #require(reply.status == 200, "psrd: \(reply)")
            let block = try WireCoding.decode(PSRDBlockResponse.self, from: reply.body, limit: WireCoding.limit(forBase64Payload: bytes))
            try await store.addBlock(peer: hub.name, owner: PoolOwner(rawValue: owner)!, uuid: block.blockUUID, bytes: block.data)
            blocks[PoolOwner(rawValue: owner)!] = block.blockUUID
        }
        let connection = PeerConnection(baseURL: hub.baseURL, peer: hub.name, store: store,
                                        authenticator: MessageAuthenticator(kind: hub.settings.authenticator))
        return TestClient(name: name, hub: hub, store: store, connection: connection, blocks: blocks)
    }

    /// Unused bytes of this client's pools with the hub: (client-owned, hub-owned).
    func levels() async -> (own: Int, peer: Int) {
        (await store.unusedBytes(peer: hub.name, owner: .client), await store.unusedBytes(peer: hub.name, owner: .hub))
    }

    /// The body of a one-share POST, with its pad allocated from this client's own pool.
    func postBody(masterSAE: String, slaveSAE: String, keyID: UUID, index: Int = 0, share: [UInt8],
                  masterClient: String? = nil) async throws -> [UInt8] {
        let (allocation, pad) = try await store.allocate(peer: hub.name, size: share.count)
        return WireCoding.encode(PostKeyShareRequest(
            masterClientName: masterClient ?? name, masterSAEID: masterSAE, slaveSAEID: slaveSAE, userKeyID: keyID,
            shareIndex: index, encryptionKeyAllocation: allocation, encryptedShareValue: OneTimePad.apply(pad: pad, to: share)))
    }

    func postShare(masterSAE: String, slaveSAE: String, keyID: UUID, index: Int = 0, share: [UInt8]) async throws -> PeerResponse {
        let body = try await postBody(masterSAE: masterSAE, slaveSAE: slaveSAE, keyID: keyID, index: index, share: share)
        return try await connection.send(.POST, path: "/dske/api/v1/key-share", body: body, signed: true)
    }

    func getQuery(masterSAE: String, slaveSAE: String, keyID: UUID, asClient: String? = nil) -> [(String, String)] {
        [("client_name", asClient ?? name), ("master_sae_id", masterSAE), ("slave_sae_id", slaveSAE), ("key_id", keyID.lowercased)]
    }

    /// GET key-share; on 200 the share is decrypted with the pad from this client's peer pool.
    func getShare(masterSAE: String, slaveSAE: String, keyID: UUID) async throws -> (PeerResponse, index: Int?, share: [UInt8]?) {
        let response = try await connection.send(.GET, path: "/dske/api/v1/key-share",
                                                  query: getQuery(masterSAE: masterSAE, slaveSAE: slaveSAE, keyID: keyID), signed: true)
        guard response.isOK else { return (response, nil, nil) }
        let message = try response.decode(GetKeyShareResponse.self)
        let pad = try await store.take(peer: hub.name, allocation: message.encryptionKeyAllocation)
        return (response, message.shareIndex, OneTimePad.apply(pad: pad, to: message.encryptedShareValue))
    }

    /// A DSKE-Signature over query || body with a MAC key from this client's own pool, or, with
    /// `forged`, a wrong tag under a real allocation (whose key bytes are returned for reuse).
    func signature(query: String, body: [UInt8], forged: Bool = false) async throws -> (header: String, allocation: Allocation, key: [UInt8]) {
        let (allocation, key) = try await store.allocate(peer: hub.name, size: MessageAuthenticator.keySize)
        var tag = MessageAuthenticator(kind: hub.settings.authenticator).tag(key: key, message: [Array(query.utf8), body])
        if forged { tag[0] ^= 0x01 }
        return (DSKESignature(allocation: allocation, tag: tag).headerValue, allocation, key)
    }

    func close() async { try? await store.close() }
}

extension PeerResponse {
    var json: JSONValue? { try? WireCoding.parse(body) }
    var text: String { String(decoding: body, as: UTF8.self) }
}

/// Share bytes for tests (not secret).
func testShare(_ count: Int = 32, seed: UInt8 = 7) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ Int(seed)) }
}
