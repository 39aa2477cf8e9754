import AsyncHTTPClient
import DSKEConfig
import DSKECore
import DSKEHub
import DSKEService
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1
import Testing

/// A dishonest hub among the real processes: the real hub code, run in the test process on its
/// own data directory, behind a front on the hub's configured port that flips a bit of every share
/// it hands to a client and signs the altered answer with fresh PSRD of the hub's own pool. That
/// is exactly what a compromised hub can do: the client cannot tell from the signature, only from
/// the reconstruction. (The hub has no test switch for this; holding its store is what makes a
/// hub able to sign.)
final class TamperingHub: Sendable {
    private let hub: RunningNode
    private let front: Task<Void, any Error>

    private init(hub: RunningNode, front: Task<Void, any Error>) {
        self.hub = hub
        self.front = front
    }

    /// Runs hub `name` of the network's configuration (whose process must be stopped) in this
    /// process, fronted on its configured port.
    static func start(_ name: String, of network: TestNetwork) async throws -> TamperingHub {
        let config = try DSKEConfiguration.load(path: network.configPath)
        let node = try #require(config.hub(named: name))
        let settings = try HubNode.settings(config: config, name: name)
        let store = try await HubNode.openStore(directory: node.dataDirectory)
        let hub = try await HubNode.runtime(settings: settings, store: store).start(host: "127.0.0.1", port: 0)
        let upstream = "http://127.0.0.1:\(hub.port)"
        let signer = MessageSigner(store: store, authenticator: MessageAuthenticator(kind: .hmacSHA256))
        let router = Router()
        for method in [HTTPRequest.Method.get, .post, .put, .delete] {
            router.on("**", method: method) { request, _ in
                try await forward(request, upstream: upstream, signer: signer)
            }
        }
        let bound = AsyncStream<Int>.makeStream()
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: node.port)),
                              onServerRunning: { channel in bound.continuation.yield(channel.localAddress?.port ?? 0) })
        let front = Task { defer { bound.continuation.finish() }; try await app.run() }
        var ports = bound.stream.makeAsyncIterator()
        guard await ports.next() != nil else {
            await hub.stop()
            try await front.value
            throw NetworkError("the tampering front could not listen on port \(node.port)")
        }
        return TamperingHub(hub: hub, front: front)
    }

    func stop() async {
        front.cancel()
        _ = await front.result
        await hub.stop()
    }

    private static func forward(_ request: Request, upstream: String, signer: MessageSigner) async throws -> Response {
        var outgoing = HTTPClientRequest(url: upstream + request.uri.description)
        outgoing.method = HTTPMethod(rawValue: request.method.rawValue)
        for field in request.headers where field.name == .contentType || field.name.canonicalName == "dske-signature" {
            outgoing.headers.add(name: field.name.rawName, value: field.value)
        }
        let body = try await request.body.collect(upTo: 16 << 20)
        if body.readableBytes > 0 { outgoing.body = .bytes(body) }
        let answer = try await HTTPClient.shared.execute(outgoing, timeout: .seconds(10))
        var bytes = Array(try await answer.body.collect(upTo: 64 << 20).readableBytesView)
        var headers: HTTPFields = [:]
        if let type = answer.headers.first(name: "Content-Type") { headers[.contentType] = type }
        var signature = answer.headers.first(name: DSKESignature.headerName)
        let path = request.uri.path
        if answer.status == .ok, let client = clientName(request, body: body) {
            if path.hasSuffix("/dske/api/v1/key-share"), request.method == .get,
               let share = try? WireCoding.decode(GetKeyShareResponse.self, from: bytes) {
                bytes = WireCoding.encode(GetKeyShareResponse(
                    shareIndex: share.shareIndex, encryptionKeyAllocation: share.encryptionKeyAllocation,
                    encryptedShareValue: flip(share.encryptedShareValue)))
                signature = try await signer.signResponse(peer: client, body: bytes).headerValue
            } else if path.hasSuffix("/dske/api/v1/key-shares/fetch"),
                      let batch = try? WireCoding.decode(FetchKeySharesResponse.self, from: bytes) {
                bytes = WireCoding.encode(FetchKeySharesResponse(shares: flip(batch.shares)))
                signature = try await signer.signResponse(peer: client, body: bytes).headerValue
            } else if path.hasSuffix("/dske/api/v1/key-shares/fetch-multi"),
                      let multi = try? WireCoding.decode(KeySharesMultiResponse.self, from: bytes) {
                bytes = WireCoding.encode(KeySharesMultiResponse(outcomes: multi.outcomes.map {
                    KeySharesOutcome(status: $0.status, error: $0.error, shares: $0.shares.map(flip))
                }))
                signature = try await signer.signResponse(peer: client, body: bytes).headerValue
            }
        }
        if let signature { headers[HTTPField.Name(DSKESignature.headerName)!] = signature }
        return Response(status: .init(code: Int(answer.status.code)), headers: headers,
                        body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    private static func flip(_ shares: [BatchKeyShare]) -> [BatchKeyShare] {
        shares.map {
            BatchKeyShare(userKeyID: $0.userKeyID, shareIndex: $0.shareIndex, encryptionKeyAllocation: $0.encryptionKeyAllocation,
                          encryptedShareValue: flip($0.encryptedShareValue))
        }
    }

    /// The padded share XOR 1 is the share XOR 1 once the client removes the pad.
    private static func flip(_ value: [UInt8]) -> [UInt8] {
        var value = value
        if !value.isEmpty { value[0] ^= 0x01 }
        return value
    }

    private static func clientName(_ request: Request, body: ByteBuffer) -> String? {
        if let name = request.uri.queryParameters.get("client_name") { return name }
        if case .object(let object)? = try? WireCoding.parse(Array(body.readableBytesView)),
           case .string(let name)? = object["client_name"] { return name }
        return nil
    }
}
