import DSKECore
import DSKEService
import Logging
import NIOHTTP1
import PSRDStore

/// One hub as this client sees it: registration (retried until the hub is up), what the hub
/// can do (batch and delete extensions, or a reference hub without them), whether it is up, the
/// two PSRD pools of the pair and their refills, and the share messages.
///
/// A hub found down (no answer) is skipped by key requests until a probe finds it up again, so a
/// dead hub costs one request deadline, not one per key request.
actor PeerHub {
    nonisolated let name: String
    /// The Shamir share index this hub relays.
    nonisolated let index: Int
    nonisolated let connection: PeerConnection
    /// Same peer, short deadline: liveness probes must not hang on a dead hub.
    nonisolated let probeConnection: PeerConnection
    let settings: ClientSettings
    let store: NodeStore
    let logger: Logger

    private(set) var registered: Bool
    /// Whether the last request or probe got an answer.
    private(set) var reachable = true
    /// nil until a probe got an answer.
    private(set) var capabilities: CapabilitiesResponse?
    var counters = PeerHubCounters()
    /// Running refill per pool, and the level it must reach.
    var refills: [PoolOwner: Task<Bool, Never>] = [:]
    var refillTargets: [PoolOwner: Int] = [:]
    /// The largest block the hub agreed to give (learnt from its refusals).
    var blockLimit: Int
    /// Whether the hub knows where this client's replay windows begin after a crash (or there
    /// was nothing to tell), and the telling in progress.
    var resumed = false
    var resuming: Task<Void, Never>?
    /// Share messages of concurrent key requests waiting to travel together (`PeerHub+Coalescing`).
    let postQueue = ShareMessageQueue<PostWork>()
    let fetchQueue = ShareMessageQueue<FetchWork>()

    init(index: Int, endpoint: HubEndpoint, settings: ClientSettings, store: NodeStore, logger: Logger) {
        self.name = endpoint.name
        self.index = index
        let authenticator = MessageAuthenticator(kind: settings.authenticator)
        self.connection = PeerConnection(baseURL: endpoint.baseURL, peer: endpoint.name, store: store,
                                         authenticator: authenticator, timeout: settings.requestTimeout)
        self.probeConnection = PeerConnection(baseURL: endpoint.baseURL, peer: endpoint.name, store: store,
                                              authenticator: authenticator, timeout: settings.probeInterval)
        self.settings = settings
        self.store = store
        self.logger = logger
        // Without the out-of-band endpoints the client is known to the hub by enrolment.
        self.registered = !settings.outOfBandHTTP
        self.blockLimit = settings.maxPSRDBlockSize
    }

    /// Whether key requests should use this hub now.
    var isUsable: Bool { registered && reachable }

    /// Whether the hub can take part in key requests: registered, up, PSRD in both pools.
    func isReady() async -> Bool {
        guard isUsable else { return false }
        let own = await store.unusedBytes(peer: name, owner: .client)
        let peer = await store.unusedBytes(peer: name, owner: .hub)
        return own >= MessageAuthenticator.keySize && peer >= MessageAuthenticator.keySize
    }

    /// Runs until cancelled: registers (with backoff), then probes the hub and keeps both pools
    /// above the start threshold.
    func maintain() async {
        var retry = settings.registrationRetry.initial
        while !Task.isCancelled {
            if !registered {
                if await register() {
                    retry = settings.registrationRetry.initial
                } else {
                    guard await pause(retry) else { break }
                    retry = min(retry * 2, settings.registrationRetry.maximum)
                    continue
                }
            }
            await probe()
            if reachable {
                await resumeIfNeeded()
                await refillIfLow()
            }
            guard await pause(settings.probeInterval) else { break }
        }
        for task in refills.values { task.cancel() }
    }

    /// Sleeps; false when cancelled.
    private func pause(_ duration: Duration) async -> Bool {
        do {
            try await Task.sleep(for: duration)
            return true
        } catch {
            return false
        }
    }

    /// `PUT /dske/oob/v1/registration` (idempotent: a restarted client registers again, and the
    /// hub keeps the pools).
    func register() async -> Bool {
        let body = WireCoding.encode(RegistrationRequest(clientName: settings.name, encryptorNames: settings.encryptors))
        let response: PeerResponse
        do {
            response = try await probeConnection.send(.PUT, path: "/dske/oob/v1/registration", body: body, signed: false)
        } catch {
            reachable = false
            logger.debug("registration with hub \(name) failed: \(error)")
            return false
        }
        reachable = true
        guard response.isOK, let reply = try? response.decode(RegistrationResponse.self) else {
            logger.warning("hub \(name) refused the registration: HTTP \(response.status) \(response.error?.message ?? "")")
            return false
        }
        guard reply.hubName == name else {
            logger.error("the hub at \(connection.baseURL) calls itself '\(reply.hubName)', expected '\(name)'")
            return false
        }
        registered = true
        logger.info("registered with hub \(name)")
        return true
    }

    /// `GET /dske/api/v1/capabilities`: an answer marks the hub up; 404 means a hub without this
    /// project's extensions (the reference), which is served with one message per key.
    func probe() async {
        let response: PeerResponse
        do {
            response = try await probeConnection.send(.GET, path: "/dske/api/v1/capabilities", signed: false,
                                                      responseLimit: 4096)
        } catch {
            if reachable { logger.warning("hub \(name) is down: \(error)") }
            reachable = false
            return
        }
        if !reachable { logger.info("hub \(name) is up again") }
        reachable = true
        if response.isOK, let answer = try? response.decode(CapabilitiesResponse.self, limit: 4096) {
            capabilities = answer
        } else if capabilities == nil {
            capabilities = CapabilitiesResponse(batch: false, delete: false)
        }
    }

    /// The capabilities, probing once if they are not known yet.
    func currentCapabilities() async -> CapabilitiesResponse {
        if capabilities == nil { await probe() }
        return capabilities ?? CapabilitiesResponse(batch: false, delete: false)
    }

    /// Counts a failed request; one that got no answer marks the hub down until a probe answers.
    func note(_ failure: HubFailure) {
        counters.failures += 1
        if case .unreachable = failure {
            if reachable { logger.warning("hub \(name) is down: \(failure)") }
            reachable = false
        }
    }

    func noteInconsistentShare() { counters.inconsistentShares += 1 }

    func markUnregistered() {
        guard settings.outOfBandHTTP, registered else { return }
        registered = false
        logger.warning("hub \(name) no longer knows this client: registering again")
    }

    /// This hub's entry in the management status.
    func statusObject() -> JSONObject {
        var object: JSONObject = [
            "hub_name": .string(name),
            "share_index": .number(JSONNumber(index)),
            "registered": .bool(registered),
            "reachable": .bool(reachable),
        ]
        if let capabilities {
            object["batch"] = .bool(capabilities.batch)
            object["delete"] = .bool(capabilities.delete)
            object["resume"] = .bool(capabilities.resume)
            object["multi"] = .bool(capabilities.multi)
            object["packed"] = .bool(capabilities.packed)
        } else {
            object["batch"] = .null
            object["delete"] = .null
            object["resume"] = .null
            object["multi"] = .null
            object["packed"] = .null
        }
        object["share_messages_waiting"] = .number(JSONNumber(postQueue.waitingCount + fetchQueue.waitingCount))
        for (key, value) in counters.json.members { object[key] = value }
        return object
    }
}
