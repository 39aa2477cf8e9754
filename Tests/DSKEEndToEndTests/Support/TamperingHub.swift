import AsyncHTTPClient
import DSKEConfig
import DSKECore
import DSKEHub
import DSKEService
import DSKETestSupport
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
                try await TamperingRelay.forward(request, upstream: upstream, signer: signer)
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
}
