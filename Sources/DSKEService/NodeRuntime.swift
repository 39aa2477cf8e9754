#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import DSKECore
import Hummingbird
import Logging
import NIOCore
import PSRDStore
import ServiceLifecycle
import Synchronization

/// Runs one node (hub or client) over HTTP: builds the Hummingbird application from the role's
/// routes behind `JSONErrorMiddleware`, serves the management API the reference serves
/// (`GET /ROLE/NAME/mgmt/v1/status`, `POST /ROLE/NAME/mgmt/v1/stop`) and this project's
/// `POST /ROLE/NAME/mgmt/v1/import` (`NodeImportRoute`, bundles into a running node), runs the role's background
/// work, and closes the PSRD store cleanly when the server stops (so a clean restart skips no
/// PSRD).
public struct NodeRuntime: Sendable {
    public let name: String
    /// The node's role; `PoolOwner`'s raw values are the path prefixes `hub` and `client`.
    public let role: PoolOwner
    public let store: NodeStore
    public let service: any NodeService
    public let logger: Logger
    /// Courier mode: warns (status and log) when a pool runs low; nil where pools are refilled.
    public let lowPoolWatch: LowPoolWatch?

    public init(name: String, role: PoolOwner, store: NodeStore, service: any NodeService, logger: Logger,
                lowPoolWatch: LowPoolWatch? = nil) {
        self.name = name
        self.role = role
        self.store = store
        self.service = service
        self.logger = logger
        self.lowPoolWatch = lowPoolWatch
    }

    /// The key delivery interface over mutual TLS (docs/tls.md). When set, the role's routes are
    /// served there only, and the plain port keeps the management API.
    public var secureListener: SecureListener?

    /// How long a node started in the background lets requests in flight finish once stopped.
    public static let stopGracePeriod: Duration = .seconds(10)

    /// `/hub/NAME` or `/client/NAME`.
    public var basePath: String { "/\(role.rawValue)/\(name)" }

    /// Serves on `host:port` until SIGTERM or SIGINT (graceful: requests in flight finish) or
    /// `POST mgmt/v1/stop` (which raises SIGTERM, as the reference does), then closes the store.
    public func run(host: String, port: Int) async throws {
        let stop: @Sendable () -> Void = { kill(getpid(), SIGTERM) }
        let trimmer = Task.detached(priority: .background) { await HeapTrimmer.run() }
        defer { trimmer.cancel() }
        try await serve(host: host, port: port, stop: stop, onRunning: { _, _ in }) { services in
            try await GracefulServiceGroup.run(services, signals: [.sigterm, .sigint], logger: logger)
        }
    }

    /// Starts serving in the background of this process and returns once the port is bound (port
    /// 0 picks a free one). For tests and benchmarks: no signal handlers are installed;
    /// `RunningNode.stop()` or `POST mgmt/v1/stop` stops the node, gracefully (requests in flight
    /// get `stopGracePeriod` to finish).
    public func start(host: String = "127.0.0.1", port: Int = 0) async throws -> RunningNode {
        let stopper = Mutex<Task<Void, any Error>?>(nil)
        let bound = AsyncStream<(secure: Bool, port: Int)>.makeStream()
        let task = Task {
            defer { bound.continuation.finish() }
            try await serve(host: host, port: port, stop: { stopper.withLock { $0?.cancel() } },
                            onRunning: { bound.continuation.yield(($0, $1)) }) { services in
                try await GracefulServiceGroup.run(services, gracePeriod: Self.stopGracePeriod, logger: logger)
            }
        }
        stopper.withLock { $0 = task }
        var plain: Int?
        var secure: Int?
        for await listener in bound.stream {
            if listener.secure { secure = listener.port } else { plain = listener.port }
            if plain != nil, secure != nil || secureListener == nil { break }
        }
        guard let plain, secure != nil || secureListener == nil else {
            // The server ended before binding: report why.
            try await task.value
            throw ServiceError.internalError("server stopped before it was listening")
        }
        return RunningNode(host: host, port: plain, baseURL: "http://\(host):\(plain)\(basePath)", task: task, securePort: secure)
    }

    private func serve(host: String, port: Int, stop: @escaping @Sendable () -> Void,
                       onRunning: @escaping @Sendable (_ secure: Bool, _ port: Int) -> Void,
                       body: ([any Service]) async throws -> Void) async throws {
        // With mutual TLS the role's routes move to the HTTPS listener: over plain HTTP nobody
        // could tell who calls them.
        let routes = (secureListener == nil ? service.routes() : []) + managementRoutes(stop: stop)
        let router = NodeRouter.make(routes: routes, certificates: nil, logger: logger)
        let logger = self.logger
        let name = self.name
        var services: [any Service] = []
        if let secureListener {
            services.append(try secureListener.application(routes: service.routes(), name: name, logger: logger) { onRunning(true, $0) })
        }
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in
                let actual = channel.localAddress?.port ?? port
                logger.info("\(name) listening on \(host):\(actual)")
                onRunning(false, actual)
            },
            logger: logger)
        services.insert(app, at: 0)
        let background = Task {
            async let watch: Void = watchPools()
            await service.runBackground()
            await watch
        }
        do {
            try await body(services)
        } catch {
            background.cancel()
            _ = await background.value
            await closeStore()
            throw error
        }
        background.cancel()
        _ = await background.value
        await closeStore()
        logger.info("\(name) stopped")
    }

    /// Logs each pool that runs low, at start and as keys use it up, until cancelled.
    private func watchPools() async {
        guard let lowPoolWatch else { return }
        while !Task.isCancelled {
            let fresh = await lowPoolWatch.newWarnings(levels: store.levels(), peers: service.pairedPeers())
            for warning in fresh { logger.warning("PSRD running low: \(warning.message)") }
            do {
                try await Task.sleep(for: .seconds(2))
            } catch {
                return
            }
        }
    }

    private func closeStore() async {
        do {
            try await store.close()
        } catch {
            logger.error("closing the PSRD store failed: \(error)")
        }
    }

    private func managementRoutes(stop: @escaping @Sendable () -> Void) -> [Route] {
        let base = basePath + "/mgmt/v1"
        let roleName = role == .hub ? "Hub" : "Client"
        return [
            Route(.get, base + "/status") { _, _ in
                JSONResponse.make(body: JSONValue.object(await status()))
            },
            Route(.post, base + "/stop") { _, _ in
                logger.info("stop requested through the management API")
                // Answer first: the stop runs after a moment, and shutdown is graceful anyway.
                Task {
                    try? await Task.sleep(for: .milliseconds(50))
                    stop()
                }
                return JSONResponse.make(body: JSONValue.object(["result": .string("\(roleName) stop initiated")]))
            },
            NodeImportRoute(store: store, logger: logger).route(basePath: basePath),
        ]
    }

    /// `{"name", "role", "pools": [...], ...role members}`.
    public func status() async -> JSONObject {
        var object: JSONObject = ["name": .string(name), "role": .string(role.rawValue)]
        let pools = await store.levels().map { level -> JSONValue in
            .object([
                "peer": .string(level.peer),
                "owner": .string(level.owner.rawValue),
                "blocks": .number(JSONNumber(level.blocks)),
                "total_bytes": .number(JSONNumber(level.totalBytes)),
                "unused_bytes": .number(JSONNumber(level.unusedBytes)),
            ])
        }
        object["pools"] = .array(pools)
        if let lowPoolWatch {
            let warnings = await lowPoolWatch.warnings(levels: store.levels(), peers: service.pairedPeers())
            object["pool_warnings"] = .array(warnings.map(\.json))
        }
        for (key, value) in await service.status().members { object[key] = value }
        return object
    }
}
