import DSKEClient
import DSKECore
import DSKEHub
import DSKEService
import Foundation
import Logging
import NIOHTTP1
@testable import PSRDStore
import Synchronization
import Testing

/// Hubs and clients served in this process on ephemeral loopback ports, each over its own store
/// in a scratch directory removed afterwards. Hubs are this project's (`DSKEHub`); one of them
/// can sit behind a `TamperingProxy`, and one behind an honest proxy with a `ProxyGate`.
final class TestNetwork: Sendable {
    struct ClientSpec: Sendable {
        let name: String
        let encryptors: [String]
    }

    static let hubNames = ["hank", "helen", "hilary", "holly", "hugo"]

    let root: String
    let logs = LogCapture()
    private let hubs = Mutex<[String: (store: NodeStore, node: RunningNode)]>([:])
    private let clients = Mutex<[String: (store: NodeStore, node: RunningNode)]>([:])
    private let proxies = Mutex<[TamperingProxy]>([])
    private let settings = Mutex<[String: ClientSettings]>([:])

    func clientSettings(_ name: String) -> ClientSettings { settings.withLock { $0[name]! } }

    private init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("dske-client-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    /// Runs `body` against a network of `hubNames` hubs and the given clients (ready: registered
    /// and holding PSRD at every hub); stops everything and removes the files afterwards.
    static func with<R>(hubNames: [String] = hubNames,
                        clients: [ClientSpec] = [ClientSpec(name: "carol", encryptors: ["sam"]),
                                                 ClientSpec(name: "connie", encryptors: ["sofia"])],
                        minNrShares: Int = 3, tampering: String? = nil, gate: (hub: String, gate: ProxyGate)? = nil,
                        unpacked: Set<String> = [],
                        adjust: (inout ClientSettings) -> Void = { _ in },
                        _ body: (TestNetwork) async throws -> R) async throws -> R {
        let network = try TestNetwork()
        defer { try? FileManager.default.removeItem(atPath: network.root) }
        do {
            var endpoints: [HubEndpoint] = []
            for name in hubNames {
                let url = try await network.startHub(name)
                if name == tampering || name == gate?.hub || unpacked.contains(name) {
                    let proxy = try await TamperingProxy.start(hubURL: url, hubStore: network.hubStore(name), tampers: name == tampering,
                                                               gate: name == gate?.hub ? gate?.gate : nil,
                                                               hidesPacking: unpacked.contains(name))
                    network.proxies.withLock { $0.append(proxy) }
                    endpoints.append(HubEndpoint(name: name, baseURL: proxy.origin + "/hub/\(name)"))
                } else {
                    endpoints.append(HubEndpoint(name: name, baseURL: url))
                }
            }
            var owners: [String: String] = [:]
            for client in clients { for sae in client.encryptors { owners[sae] = client.name } }
            for client in clients {
                var settings = ClientSettings(name: client.name, encryptors: client.encryptors, hubs: endpoints,
                                              saeOwners: owners, minNrShares: minNrShares,
                                              requestTimeout: .seconds(3), probeInterval: .milliseconds(500),
                                              registrationRetry: (.milliseconds(50), .milliseconds(500)))
                adjust(&settings)
                try await network.startClient(settings)
            }
            for client in clients { try await network.waitUntilReady(client.name, hubs: hubNames.count) }
            let result = try await body(network)
            await network.stopAll()
            return result
        } catch {
            await network.stopAll()
            throw error
        }
    }

    // MARK: Nodes

    private func startHub(_ name: String) async throws -> String {
        let store = try await HubNode.openStore(directory: root + "/" + name)
        let runtime = try HubNode.runtime(settings: HubSettings(name: name), store: store,
                                          logger: logs.logger(label: "hub.\(name)"))
        let node = try await runtime.start()
        hubs.withLock { $0[name] = (store, node) }
        return node.baseURL
    }

    private func startClient(_ settings: ClientSettings) async throws {
        self.settings.withLock { $0[settings.name] = settings }
        let store = try await ClientNode.openStore(directory: root + "/" + settings.name)
        let runtime = try ClientNode.runtime(settings: settings, store: store, logger: logs.logger(label: "client.\(settings.name)"))
        let node = try await runtime.start()
        clients.withLock { $0[settings.name] = (store, node) }
    }

    func hubStore(_ name: String) -> NodeStore { hubs.withLock { $0[name]!.store } }
    func clientStore(_ name: String) -> NodeStore { clients.withLock { $0[name]!.store } }

    /// Stops a hub (its port then refuses connections).
    func stopHub(_ name: String) async {
        let hub = hubs.withLock { $0.removeValue(forKey: name) }
        await hub?.node.stop()
    }

    /// Simulates kill -9 of a hub and its restart on the same port: the store is dropped without
    /// its clean-close state, then reopened (and finds its replay marks).
    func crashAndRestartHub(_ name: String) async throws {
        guard let (store, node) = hubs.withLock({ $0.removeValue(forKey: name) }) else { return }
        await store.abandon()
        await node.stop()
        let reopened = try await HubNode.openStore(directory: root + "/" + name)
        let runtime = try HubNode.runtime(settings: HubSettings(name: name), store: reopened,
                                          logger: logs.logger(label: "hub.\(name)"))
        let restarted = try await runtime.start(port: node.port)
        hubs.withLock { $0[name] = (reopened, restarted) }
    }

    /// The same for a client: its store is dropped as kill -9 leaves it, then the client is
    /// started again over it on the same port.
    func crashAndRestartClient(_ settings: ClientSettings) async throws {
        guard let (store, node) = clients.withLock({ $0.removeValue(forKey: settings.name) }) else { return }
        await store.abandon()
        await node.stop()
        let reopened = try await ClientNode.openStore(directory: root + "/" + settings.name)
        let runtime = try ClientNode.runtime(settings: settings, store: reopened, logger: logs.logger(label: "client.\(settings.name)"))
        let restarted = try await runtime.start(port: node.port)
        clients.withLock { $0[settings.name] = (reopened, restarted) }
    }

    private func stopAll() async {
        let running = clients.withLock { state in defer { state = [:] }; return Array(state.values) }
        for client in running { await client.node.stop() }
        let proxies = self.proxies.withLock { state in defer { state = [] }; return state }
        for proxy in proxies { await proxy.stop() }
        let hubs = self.hubs.withLock { state in defer { state = [:] }; return Array(state.values) }
        for hub in hubs { await hub.node.stop() }
    }

    /// Waits (up to a generous deadline: this is setup, not a timing assertion) until the client
    /// is registered with every hub and holds PSRD in both pools of each.
    func waitUntilReady(_ client: String, hubs count: Int) async throws {
        for _ in 0..<400 {
            if let status = try? await status(client), case .array(let hubs)? = status["registrations"] {
                let filled = try await readyHubs(client, hubs)
                if filled == count { return }
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("client \(client) did not become ready")
        throw CancellationError()
    }

    /// Waits until `client`'s status says `hub` is reachable (its liveness probe saw it answer).
    func waitUntilReachable(_ client: String, hub: String) async throws {
        for _ in 0..<400 {
            if case .bool(true)? = try? await hubEntry(client, hub)["reachable"] { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("client \(client) never saw hub \(hub) reachable again")
        throw CancellationError()
    }

    /// Waits until both pools with every hub hold at least `bytes` unused bytes, and the status
    /// has counted every block received.
    func waitUntilFilled(_ client: String, bytes: Int) async throws {
        let store = clientStore(client)
        for _ in 0..<400 {
            var filled = true
            for hub in Self.hubNames {
                let own = await store.unusedBytes(peer: hub, owner: .client)
                let peer = await store.unusedBytes(peer: hub, owner: .hub)
                if own < bytes || peer < bytes { filled = false }
                // The status counts a block just after the store holds it: wait for it to catch up.
                let usedOwn = try await psrdUsed(client, hub: hub, owner: .client)
                let usedPeer = try await psrdUsed(client, hub: hub, owner: .hub)
                if usedOwn < 0 || usedPeer < 0 { filled = false }
            }
            if filled { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("client \(client) did not fill its pools")
        throw CancellationError()
    }

    private func readyHubs(_ client: String, _ entries: [JSONValue]) async throws -> Int {
        var ready = 0
        let store = clientStore(client)
        for case .object(let entry) in entries {
            guard case .string(let hub)? = entry["hub_name"], case .bool(true)? = entry["registered"] else { continue }
            let own = await store.unusedBytes(peer: hub, owner: .client)
            let peer = await store.unusedBytes(peer: hub, owner: .hub)
            if own >= 500 && peer >= 500 { ready += 1 }
        }
        return ready
    }

    // MARK: Requests

    func origin(_ client: String) -> String {
        clients.withLock { state in
            let node = state[client]!.node
            return "http://\(node.host):\(node.port)"
        }
    }

    /// An ETSI call on the standard root (`prefixed: true` for `/client/NAME/etsi/...`).
    func etsi(_ method: HTTPMethod, _ client: String, _ path: String, caller: String?, body: String? = nil,
              prefixed: Bool = false) async throws -> Reply {
        let root = prefixed ? "/client/\(client)/etsi/api/v1/keys/" : "/api/v1/keys/"
        var headers: [(String, String)] = []
        if let caller { headers.append(("Authorization", caller)) }
        if body != nil { headers.append(("Content-Type", "application/json")) }
        return try await RawHTTP.send(method, origin(client) + root + path, headers: headers, body: body.map { Array($0.utf8) })
    }

    /// The client's management status.
    func status(_ client: String) async throws -> JSONObject {
        let reply = try await RawHTTP.send(.GET, origin(client) + "/client/\(client)/mgmt/v1/status")
        guard let object = reply.object else { throw CancellationError() }
        return object
    }

    /// A hub's management status.
    func hubStatus(_ hub: String) async throws -> JSONObject {
        let url = hubs.withLock { $0[hub]!.node.baseURL }
        let reply = try await RawHTTP.send(.GET, url + "/mgmt/v1/status")
        guard let object = reply.object else { throw CancellationError() }
        return object
    }

    /// One hub's entry in the client's status.
    func hubEntry(_ client: String, _ hub: String) async throws -> JSONObject {
        guard case .array(let entries)? = try await status(client)["registrations"] else { return [:] }
        for case .object(let entry) in entries where entry["hub_name"] == .string(hub) { return entry }
        return [:]
    }

    /// An integer member of a JSON object (0 when absent).
    static func int(_ object: JSONObject, _ key: String) -> Int {
        if case .number(let number)? = object[key] { return number.integer() ?? 0 }
        return 0
    }

    /// PSRD this client has used from the pool `owner` allocates from in the pair with `hub`:
    /// everything received minus what is unused (only fully used blocks are ever dropped).
    func psrdUsed(_ client: String, hub: String, owner: PoolOwner) async throws -> Int {
        let entry = try await hubEntry(client, hub)
        let received = Self.int(entry, owner == .client ? "psrd_bytes_client_owned" : "psrd_bytes_hub_owned")
        return received - (await clientStore(client).unusedBytes(peer: hub, owner: owner))
    }
}
