import DSKECore
import DSKEService
import Foundation
import Hummingbird
import Logging
import PSRDStore

/// The hub role: registration and PSRD (simulation mode), the reference's key-share relay with
/// the checks the reference lacks, and this project's batch and delete extensions.
///
/// Every in-band request is authenticated before anything else is done with it beyond finding
/// out which client it claims to come from; after that every PSRD range the request names is
/// taken even when the request is then refused, so the two sides' pools stay in step on error
/// paths (the client counts its allocations as used the moment it sends them).
struct HubService: NodeService {
    let settings: HubSettings
    let store: NodeStore
    let registrations: RegistrationBook
    let shares: ShareStore
    let counters = HubCounters()
    let signer: MessageSigner
    let verifier: SignatureVerifier
    let logger: Logger

    /// Registration bodies are a name and a list of names.
    static let registrationBodyLimit = 64 * 1024
    /// A fetch body is a few names and up to `KeyShareBatch.maxCount` key IDs.
    static let fetchBodyLimit = 256 * 1024
    /// Bodies of GET and DELETE are normally empty; they are still covered by the MAC.
    static let emptyBodyLimit = 4096

    init(settings: HubSettings, store: NodeStore, registrationsPath: String?, logger: Logger,
         now: @escaping @Sendable () -> ContinuousClock.Instant) throws(ServiceError) {
        self.settings = settings
        self.store = store
        // Courier mode: enrolment is registration (the courier keystore is the one list of clients).
        self.registrations = settings.outOfBandHTTP
            ? try RegistrationBook(path: registrationsPath)
            : try RegistrationBook(courierKeystore: CourierEnrolments.keystorePath(hubDataDirectory: store.directory), logger: logger)
        self.shares = ShareStore(expiry: settings.shareExpiry, capacity: settings.maxPendingShares, now: now)
        let authenticator = MessageAuthenticator(kind: settings.authenticator)
        self.signer = MessageSigner(store: store, authenticator: authenticator)
        let limiter = FailureLimiter(maxFailures: settings.maxSignatureFailures, window: settings.failureWindow, now: now)
        self.verifier = SignatureVerifier(store: store, authenticator: authenticator, limiter: limiter, logger: logger)
        self.logger = logger
    }

    var basePath: String { "/hub/\(settings.name)" }

    func routes() -> [Route] {
        let api = basePath + "/dske/api/v1"
        var routes = [
            Route(.post, api + "/key-share") { request, context in try await postKeyShare(request, context) },
            Route(.get, api + "/key-share") { request, context in try await getKeyShare(request, context) },
            Route(.delete, api + "/key-share") { request, context in try await deleteKeyShare(request, context) },
            Route(.get, api + "/capabilities") { _, _ in
                JSONResponse.make(body: CapabilitiesResponse(batch: true, delete: true, resume: true, multi: true, packed: true))
            },
            Route(.post, api + "/key-shares") { request, context in try await postKeyShares(request, context) },
            Route(.post, api + "/key-shares/fetch") { request, context in try await fetchKeyShares(request, context) },
            Route(.post, api + "/key-shares/multi") { request, context in try await postKeySharesMulti(request, context) },
            Route(.post, api + "/key-shares/fetch-multi") { request, context in try await fetchKeySharesMulti(request, context) },
            Route(.post, api + "/resume") { request, context in try await resume(request, context) },
        ]
        if settings.outOfBandHTTP {
            let oob = basePath + "/dske/oob/v1"
            routes += [
                Route(.put, oob + "/registration") { request, _ in try await putRegistration(request) },
                Route(.get, oob + "/psrd") { request, _ in try await getPSRD(request) },
            ]
        }
        return routes
    }

    func status() async -> JSONObject {
        let registered = await registrations.all().map { entry -> JSONValue in
            .object(["client_name": .string(entry.clientName), "encryptor_names": .array(entry.encryptorNames.map(JSONValue.string))])
        }
        var counterObject = JSONObject()
        for (name, value) in await counters.snapshot() { counterObject[name] = .number(JSONNumber(value)) }
        let shareCounters = await shares.counters
        counterObject["shares_posted"] = .number(JSONNumber(shareCounters.posted))
        counterObject["shares_delivered"] = .number(JSONNumber(shareCounters.delivered))
        counterObject["shares_expired"] = .number(JSONNumber(shareCounters.expired))
        counterObject["shares_deleted"] = .number(JSONNumber(shareCounters.deleted))
        counterObject["shares_refused"] = .number(JSONNumber(shareCounters.refused))
        return [
            "ready": .bool(true),
            "out_of_band": .string(settings.outOfBandHTTP ? "http" : "courier"),
            "registrations": .array(registered),
            "pending_shares": .number(JSONNumber(await shares.pendingCount)),
            "counters": .object(counterObject),
        ]
    }

    /// The enrolled (or registered) clients: each should hold PSRD with this hub.
    func pairedPeers() async -> [String] {
        await registrations.all().map(\.clientName)
    }

    /// Drops expired shares every second, so memory holds no share longer than needed even when
    /// no request comes to trigger the lazy purge.
    func runBackground() async {
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: .seconds(1))
            } catch {
                return
            }
            let dropped = await shares.purgeExpired()
            if dropped > 0 { logger.info("\(dropped) unclaimed share(s) expired") }
        }
    }

    // MARK: Shared steps

    /// Checks that `client` is registered, then its DSKE-Signature over the raw query and body.
    func authenticate(client: String, request: Request, context: NodeRequestContext, body: [UInt8]) async throws(ServiceError) {
        guard await registrations.isRegistered(client) else {
            await counters.add(.refusedRequests)
            throw .clientNotRegistered(client)
        }
        do throws(ServiceError) {
            try await verifier.verifyRequest(peer: client, address: context.remoteHost,
                                             headerValue: request.dskeSignature,
                                             rawQuery: request.uri.query, body: body)
        } catch {
            if case .tooManyFailures = error {
                await counters.add(.rateLimited)
            } else if case .internalError = error {
            } else {
                await counters.add(.signatureFailures)
            }
            throw error
        }
    }

    /// A 200 answer carrying `body`, signed with a MAC key from the hub's own pool with `client`.
    func signedResponse(client: String, body: [UInt8]) async throws(ServiceError) -> Response {
        let signature = try await signer.signResponse(peer: client, body: body)
        return JSONResponse.signed(bytes: body, signature: signature)
    }

    /// Takes the pad a client named from the client-owned pool.
    func takePad(client: String, allocation: Allocation) async throws(ServiceError) -> [UInt8] {
        do {
            return try await store.take(peer: client, allocation: allocation)
        } catch {
            throw ServiceError.fromPeerPool(error)
        }
    }

    /// Encrypts a share for `client` with a fresh pad from the hub's own pool.
    func sealShare(client: String, share: PendingShare) async throws(ServiceError) -> (Allocation, [UInt8]) {
        let allocation: Allocation
        let pad: [UInt8]
        do {
            (allocation, pad) = try await store.allocate(peer: client, size: share.size)
        } catch {
            throw ServiceError.fromOwnPool(error)
        }
        defer { SecretBytes.wipe(pad) }
        return (allocation, Self.encrypt([share], with: pad, from: 0))
    }

    /// Checks the pair a share is for: the master SAE must be one `client` registered, the slave
    /// SAE one some registered client serves. Returns that client: the only one that may fetch.
    func slaveClient(master client: String, masterSAE: String, slaveSAE: String) async throws(ServiceError) -> String {
        guard await registrations.encryptors(of: client)?.contains(masterSAE) == true else {
            throw .notAllowed("Encryptor is not registered for client.",
                              details: ["client_name": .string(client), "encryptor_name": .string(masterSAE)])
        }
        guard let slaveClient = await registrations.client(serving: slaveSAE) else {
            throw .badRequest("Slave SAE is not registered with this hub.", details: ["slave_sae_id": .string(slaveSAE)])
        }
        return slaveClient
    }

    /// Takes, ignoring failures, the pads named by a signed message that turned out malformed,
    /// so the hub's copy of the client's pool does not keep ranges the client counts as used.
    func takeNamedPads(client: String, in values: [JSONValue]) async {
        for value in values {
            guard case .object(let object) = value, let allocationValue = object["encryption_key_allocation"],
                  let allocation = try? WireCoding.decode(Allocation.self, from: allocationValue) else { continue }
            _ = try? await store.take(peer: client, allocation: allocation)
        }
    }

    // MARK: Parsing

    static func parse(_ body: [UInt8], limit: Int) throws(ServiceError) -> JSONValue {
        do {
            return try WireCoding.parse(body, limit: limit)
        } catch {
            throw badBody(error)
        }
    }

    static func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws(ServiceError) -> T {
        do {
            return try WireCoding.decode(type, from: value)
        } catch {
            throw badBody(error)
        }
    }

    static func badBody(_ error: WireError) -> ServiceError {
        if case .tooLarge(_, let limit) = error { return .payloadTooLarge(limit: limit) }
        return .badRequest("Invalid request body: \(error)")
    }

    /// A string member of a JSON object body: how the hub learns which client claims to send a
    /// message before it can check the signature.
    static func stringMember(_ value: JSONValue, _ key: String) throws(ServiceError) -> String {
        guard case .object(let object) = value else {
            throw .badRequest("Invalid request body: expected a JSON object.")
        }
        guard let member = object[key] else {
            throw .badRequest("Invalid request body: missing field '\(key)'.", details: ["field": .string(key)])
        }
        guard case .string(let text) = member else {
            throw .badRequest("Invalid request body: field '\(key)': expected a string.", details: ["field": .string(key)])
        }
        return text
    }
}
