import AsyncHTTPClient
import DSKECore
import DSKEService
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1
import PSRDStore
import Synchronization

/// A dishonest hub: forwards everything to a real hub, but flips a bit of every share it hands
/// to a client and signs the altered answer with fresh PSRD of the hub's own pool (it holds the
/// hub's store), exactly as a compromised hub could. The client cannot tell from the signature;
/// only the reconstruction can.
///
/// With `tampers: false` it is an honest relay, and a `ProxyGate` can hold requests on their way.
final class TamperingProxy: Sendable {
    let origin: String
    private let task: Task<Void, any Error>

    private init(origin: String, task: Task<Void, any Error>) {
        self.origin = origin
        self.task = task
    }

    /// `hidesPacking`: answers the capabilities probe as a hub that predates the packed form.
    static func start(hubURL: String, hubStore: NodeStore, tampers: Bool = true, gate: ProxyGate? = nil,
                      hidesPacking: Bool = false) async throws -> TamperingProxy {
        guard let url = URL(string: hubURL), let host = url.host, let port = url.port else { throw CancellationError() }
        let upstream = "http://\(host):\(port)"
        let signer = MessageSigner(store: hubStore, authenticator: MessageAuthenticator(kind: .hmacSHA256))
        let router = Router()
        for method in [HTTPRequest.Method.get, .post, .put, .delete] {
            router.on("**", method: method) { request, _ in
                await gate?.pass(request.uri.path)
                return try await forward(request, upstream: upstream, signer: tampers ? signer : nil, hidesPacking: hidesPacking)
            }
        }
        let bound = AsyncStream<Int>.makeStream()
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in bound.continuation.yield(channel.localAddress?.port ?? 0) })
        let task = Task { try await app.run() }
        var ports = bound.stream.makeAsyncIterator()
        guard let port = await ports.next() else { throw CancellationError() }
        return TamperingProxy(origin: "http://127.0.0.1:\(port)", task: task)
    }

    func stop() async {
        task.cancel()
        _ = await task.result
    }

    /// Forwards `request`; with a `signer`, alters the shares of the answer.
    private static func forward(_ request: Request, upstream: String, signer: MessageSigner?, hidesPacking: Bool) async throws -> Response {
        var outgoing = HTTPClientRequest(url: upstream + request.uri.description)
        outgoing.method = HTTPMethod(rawValue: request.method.rawValue)
        for field in request.headers where field.name == .contentType || field.name.canonicalName == "dske-signature" {
            outgoing.headers.add(name: field.name.rawName, value: field.value)
        }
        let body = try await request.body.collect(upTo: 16 << 20)
        if body.readableBytes > 0 { outgoing.body = .bytes(body) }
        let answer = try await DSKEHTTPClient.shared.execute(outgoing, timeout: .seconds(10))
        var bytes = Array(try await answer.body.collect(upTo: 64 << 20).readableBytesView)
        var headers: HTTPFields = [:]
        if let type = answer.headers.first(name: "Content-Type") { headers[.contentType] = type }
        var signature = answer.headers.first(name: DSKESignature.headerName)
        let path = request.uri.path
        if hidesPacking, path.hasSuffix("/dske/api/v1/capabilities"),
           let capabilities = try? WireCoding.decode(CapabilitiesResponse.self, from: bytes) {
            bytes = WireCoding.encode(CapabilitiesResponse(batch: capabilities.batch, delete: capabilities.delete,
                                                           resume: capabilities.resume, multi: capabilities.multi))
        }
        if answer.status == .ok, let signer, let client = clientName(request, body: body) {
            if path.hasSuffix("/dske/api/v1/key-share"), request.method == .get,
               let share = try? WireCoding.decode(GetKeyShareResponse.self, from: bytes) {
                bytes = WireCoding.encode(GetKeyShareResponse(shareIndex: share.shareIndex,
                                                              encryptionKeyAllocation: share.encryptionKeyAllocation,
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
