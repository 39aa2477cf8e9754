import AsyncHTTPClient
import DSKECore
import DSKEService
import DSKETestSupport
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1
import PSRDStore
import Synchronization

/// A dishonest hub in front of a real one (`TamperingRelay`): forwards everything, but flips a
/// bit of every share it hands to a client and signs the altered answer with fresh PSRD of the
/// hub's own pool (it holds the hub's store), exactly as a compromised hub could. The client
/// cannot tell from the signature; only the reconstruction can.
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
                return try await TamperingRelay.forward(request, upstream: upstream, signer: tampers ? signer : nil,
                                                       hidesPacking: hidesPacking)
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
}
