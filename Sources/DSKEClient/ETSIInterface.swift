import DSKECore
import DSKEService
import Foundation
import Hummingbird
import Logging
import PSRDStore

/// ETSI GS QKD 014 V1.1.1 on the standard root (`/api/v1/keys`) and the reference's prefixed
/// root (`/client/NAME/etsi/api/v1/keys`). The calling SAE is named by the `Authorization`
/// header, as in the reference (mutual TLS comes later). Keys are not kept: an enc_keys answer
/// carries keys this KME zeroes once the answer is encoded, and the hubs delete each share once
/// delivered. docs/etsi-014.md goes through the standard clause by clause.
struct ETSIInterface: Sendable {
    let settings: ClientSettings
    let relay: KeyRelay
    let store: NodeStore
    let counters: ClientCounters
    let logger: Logger

    /// Key request and key IDs bodies are small; anything larger is not one.
    static let bodyLimit = 64 * 1024

    func routes(root: String) -> [Route] {
        [
            Route(.get, root + "/:sae/status") { request, context in
                await answer(request) { () async throws(ETSIError) in try await status(request, context) }
            },
            Route(.get, root + "/:sae/enc_keys") { request, context in
                await answer(request) { () async throws(ETSIError) in try await getKeyGET(request, context) }
            },
            Route(.post, root + "/:sae/enc_keys") { request, context in
                await answer(request) { () async throws(ETSIError) in try await getKeyPOST(request, context) }
            },
            Route(.get, root + "/:sae/dec_keys") { request, context in
                await answer(request) { () async throws(ETSIError) in try await getKeyWithIDsGET(request, context) }
            },
            Route(.post, root + "/:sae/dec_keys") { request, context in
                await answer(request) { () async throws(ETSIError) in try await getKeyWithIDsPOST(request, context) }
            },
        ]
    }

    /// Runs a handler and renders its ETSI error, so no ETSI error reaches the DSKE error
    /// middleware (whose body has another shape).
    private func answer(_ request: Request, _ handler: () async throws(ETSIError) -> Response) async -> Response {
        do {
            return try await handler()
        } catch {
            await counters.add(.refusedRequests)
            if case .internalError = error {
                logger.error("\(request.method) \(request.uri.path): \(error)")
            } else {
                logger.info("\(request.method) \(request.uri.path): \(error)")
            }
            return error.response
        }
    }

    // MARK: Status

    /// `GET {slave_SAE_ID}/status`, called by a master SAE of this KME.
    func status(_ request: Request, _ context: NodeRequestContext) async throws(ETSIError) -> Response {
        let master = try callerSAE(request, context)
        let slave = try pathSAE(context, role: "slave")
        let target = try owner(of: slave, role: "slave")
        let (stored, maximum) = await keyCounts(keyBytes: settings.defaultKeySize / 8)
        return JSONResponse.make(body: ETSIStatus(
            sourceKMEID: settings.name, targetKMEID: target, masterSAEID: master, slaveSAEID: slave,
            keySize: settings.defaultKeySize, storedKeyCount: stored, maxKeyCount: maximum,
            maxKeyPerRequest: settings.maxKeysPerRequest, maxKeySize: ETSILimits.keySizeRange.upperBound,
            minKeySize: ETSILimits.keySizeRange.lowerBound, maxSAEIDCount: ETSILimits.maxSAEIDCount))
    }

    /// Keys of `keyBytes` this KME can make from the PSRD its pools hold now (stored) and when
    /// its pools are full (maximum). One key as a one-share message costs, per hub, a pad and a
    /// MAC key from the client-owned pool and a MAC key from the hub-owned pool (the hub signs
    /// its answer); a key needs k hubs, so the figure is the k-th best hub's.
    func keyCounts(keyBytes: Int) async -> (stored: Int, maximum: Int) {
        let mac = MessageAuthenticator.keySize
        var now: [Int] = []
        var full: [Int] = []
        for hub in relay.hubs {
            let own = await store.unusedBytes(peer: hub.name, owner: .client)
            let peer = await store.unusedBytes(peer: hub.name, owner: .hub)
            let usable = await hub.isUsable
            now.append(usable ? min(own / (keyBytes + mac), peer / mac) : 0)
            if settings.outOfBandHTTP {
                let capacity = max(settings.stopRequestPSRDThreshold, 0)
                full.append(min(max(own, capacity) / (keyBytes + mac), max(peer, capacity) / mac))
            } else {
                full.append(min(own / (keyBytes + mac), peer / mac))
            }
        }
        func kthBest(_ values: [Int]) -> Int {
            let sorted = values.sorted(by: >)
            return sorted.count >= settings.minNrShares ? sorted[settings.minNrShares - 1] : 0
        }
        return (kthBest(now), kthBest(full))
    }

    // MARK: Get key

    /// `GET {slave_SAE_ID}/enc_keys?number=N&size=BITS`.
    func getKeyGET(_ request: Request, _ context: NodeRequestContext) async throws(ETSIError) -> Response {
        let master = try callerSAE(request, context)
        let slave = try pathSAE(context, role: "slave")
        let query = try parameters(request)
        let number = try integer(query, "number")
        let size = try integer(query, "size")
        return try await getKey(master: master, slaves: [slave], number: number ?? 1, size: size ?? settings.defaultKeySize)
    }

    /// `POST {slave_SAE_ID}/enc_keys` with a Key request body (every member optional; an empty
    /// body asks for the defaults).
    func getKeyPOST(_ request: Request, _ context: NodeRequestContext) async throws(ETSIError) -> Response {
        let master = try callerSAE(request, context)
        let slave = try pathSAE(context, role: "slave")
        let body = try await bodyBytes(request)
        let keyRequest = body.allSatisfy(Self.isWhitespace) ? ETSIKeyRequest() : try decode(ETSIKeyRequest.self, from: body)
        // We support no extension: any mandatory one is unmet, optional ones are ignored (6.2).
        if let mandatory = keyRequest.extensionMandatory, !mandatory.isEmpty {
            throw .badRequest(ETSIErrorResponse.extensionMandatoryNotSupported,
                              details: mandatory.prefix(16).flatMap { $0.keys.prefix(16).map { ["unsupported_extension": .string(Self.printable($0))] } })
        }
        let extra = try additionalSlaves(keyRequest.additionalSlaveSAEIDs ?? [], master: master, slave: slave)
        return try await getKey(master: master, slaves: [slave] + extra, number: keyRequest.number ?? 1,
                                size: keyRequest.size ?? settings.defaultKeySize)
    }

    /// `additional_slave_SAE_IDs`: SAEs of the network, distinct, none the master or the slave,
    /// at most `max_SAE_ID_count`.
    private func additionalSlaves(_ names: [String], master: String, slave: String) throws(ETSIError) -> [String] {
        guard names.count <= ETSILimits.maxSAEIDCount else {
            throw .badRequest("additional_slave_SAE_IDs may name at most \(ETSILimits.maxSAEIDCount) SAEs (max_SAE_ID_count).")
        }
        var seen: Set<String> = [master, slave]
        for name in names {
            _ = try owner(of: name, role: "additional slave")
            guard seen.insert(name).inserted else {
                throw .badRequest("additional_slave_SAE_IDs names '\(Self.printable(name))' twice, or the master or slave SAE.")
            }
        }
        return names
    }

    /// Makes `number` keys for `slaves[0]` and, when there are more, the same keys for each
    /// additional slave (group keys, see `ETSIGroupKeyID`): all slaves or none.
    private func getKey(master: String, slaves: [String], number: Int, size: Int) async throws(ETSIError) -> Response {
        _ = try owner(of: slaves[0], role: "slave")
        guard slaves[0] != master else { throw .badRequest("The slave SAE must differ from the calling (master) SAE.") }
        guard (1...settings.maxKeysPerRequest).contains(number) else {
            throw .badRequest("number shall be between 1 and \(settings.maxKeysPerRequest) (max_key_per_request).")
        }
        guard size % 8 == 0 else { throw .badRequest(ETSIErrorResponse.sizeNotMultipleOf8) }
        guard ETSILimits.keySizeRange.contains(size) else {
            throw .badRequest("size shall be between \(ETSILimits.keySizeRange.lowerBound) and \(ETSILimits.keySizeRange.upperBound).")
        }
        guard number * size <= ETSILimits.maxBitsPerRequest else {
            throw .badRequest("number x size shall not exceed \(ETSILimits.maxBitsPerRequest) bits per request.")
        }
        await counters.add(.encKeysRequests)
        let keys = try await makeKeys(master: master, slaves: slaves, number: number, bytes: size / 8)
        defer { Self.wipe(keys) }
        logger.debug("\(keys.count) key(s) of \(size) bits for \(master)->\(slaves.joined(separator: ","))")
        return JSONResponse.make(body: ETSIKeyContainer(keys: keys.map { $0.etsi }))
    }

    /// New keys, scattered through the hubs for every slave. The one key path for ETSI and SKIP.
    func makeKeys(master: String, slaves: [String], number: Int, bytes: Int) async throws(ETSIError) -> [UserKey] {
        let group = slaves.count > 1
        let ids = group ? (0..<number).map { _ in ETSIGroupKeyID.make() } : UserKey.randomIDs(number)
        let keys = zip(ids, UserKey.randomValues(count: number, size: bytes)).map { UserKey(id: $0, value: $1) }
        do {
            if group {
                try await scatterGroup(master: master, slaves: slaves, keys: keys)
            } else {
                try await relay.scatter(master: master, slave: slaves[0], keys: keys)
            }
        } catch {
            Self.wipe(keys)
            await counters.add(.scatterFailures)
            throw ETSIError(error)
        }
        await counters.add(.keysGenerated, keys.count)
        return keys
    }

    /// One scatter per slave, under that slave's hub-level key IDs, all at once. If any fails,
    /// the shares of the others are withdrawn too, so no slave gets a key the master never did.
    private func scatterGroup(master: String, slaves: [String], keys: [UserKey]) async throws(KeyRelayError) {
        let relay = self.relay
        let outcomes = await withTaskGroup(of: (String, KeyRelayError?).self) { group in
            for slave in slaves {
                let perSlave = keys.map { UserKey(id: ETSIGroupKeyID.hubKeyID($0.id, slave: slave), value: $0.value) }
                group.addTask {
                    do throws(KeyRelayError) {
                        try await relay.scatter(master: master, slave: slave, keys: perSlave)
                        return (slave, nil)
                    } catch {
                        return (slave, error)
                    }
                }
            }
            var outcomes: [String: KeyRelayError?] = [:]
            for await (slave, error) in group { outcomes[slave] = error }
            return outcomes
        }
        guard let failure = slaves.lazy.compactMap({ outcomes[$0] ?? nil }).first else { return }
        let delivered = slaves.filter { outcomes[$0] ?? nil == nil }
        await withTaskGroup(of: Void.self) { group in
            for slave in delivered {
                let ids = keys.map { ETSIGroupKeyID.hubKeyID($0.id, slave: slave) }
                for hub in relay.hubs { group.addTask { await hub.withdraw(keyIDs: ids) } }
            }
        }
        throw failure
    }

    /// Zeroes the bytes of delivered keys (their arrays share the buffer wiped here).
    static func wipe(_ keys: [UserKey]) {
        for key in keys { SecretBytes.wipe(key.value) }
    }

    // MARK: Get key with key IDs

    /// `GET {master_SAE_ID}/dec_keys?key_ID=UUID`.
    func getKeyWithIDsGET(_ request: Request, _ context: NodeRequestContext) async throws(ETSIError) -> Response {
        let slave = try callerSAE(request, context)
        let master = try pathSAE(context, role: "master")
        let query = try parameters(request)
        guard let text = query["key_ID"] else { throw .badRequest("key_ID is required.") }
        guard text.utf8.count == 36, let keyID = UUID(uuidString: text) else {
            throw .badRequest("key_ID is not a UUID.", details: [["key_ID": .string(Self.printable(text))]])
        }
        return try await getKeyWithIDs(master: master, slave: slave, keyIDs: [keyID])
    }

    /// `POST {master_SAE_ID}/dec_keys` with a Key IDs body.
    func getKeyWithIDsPOST(_ request: Request, _ context: NodeRequestContext) async throws(ETSIError) -> Response {
        let slave = try callerSAE(request, context)
        let master = try pathSAE(context, role: "master")
        let body = try await bodyBytes(request)
        let keyIDs = try decode(ETSIKeyIDs.self, from: body)
        return try await getKeyWithIDs(master: master, slave: slave, keyIDs: keyIDs.keyIDs.map { $0.keyID })
    }

    private func getKeyWithIDs(master: String, slave: String, keyIDs: [UUID]) async throws(ETSIError) -> Response {
        _ = try owner(of: master, role: "master")
        guard !keyIDs.isEmpty else { throw .badRequest("key_IDs must name at least one key.") }
        guard keyIDs.count <= settings.maxKeysPerRequest else {
            throw .badRequest("key_IDs may name at most \(settings.maxKeysPerRequest) keys.")
        }
        guard Set(keyIDs).count == keyIDs.count else { throw .badRequest("key_IDs names a key more than once.") }
        await counters.add(.decKeysRequests)
        let keys = try await fetchKeys(master: master, slave: slave, keyIDs: keyIDs)
        defer { Self.wipe(keys) }
        logger.debug("\(keys.count) key(s) for \(master)->\(slave) delivered")
        return JSONResponse.make(body: ETSIKeyContainer(keys: keys.map { $0.etsi }))
    }

    /// Keys made by `master`'s KME for `slave`, rebuilt from the hubs (which then forget them),
    /// under the IDs the SAEs know. The one key path for ETSI and SKIP.
    func fetchKeys(master: String, slave: String, keyIDs: [UUID]) async throws(ETSIError) -> [UserKey] {
        let atHubs = keyIDs.map { ETSIGroupKeyID.atHubs($0, slave: slave) }
        // Only group keys travel under other IDs at the hubs; most requests have none to map.
        let known = atHubs == keyIDs ? [:] : Dictionary(uniqueKeysWithValues: zip(atHubs, keyIDs))
        do {
            let keys = try await relay.gather(master: master, slave: slave, keyIDs: atHubs)
            await counters.add(.keysDelivered, keys.count)
            return known.isEmpty ? keys : keys.map { UserKey(id: known[$0.id] ?? $0.id, value: $0.value) }
        } catch {
            await counters.add(.gatherFailures)
            if case .keysNotFound(let ids) = error { throw ETSIError(.keysNotFound(ids.map { known[$0] ?? $0 })) }
            throw ETSIError(error)
        }
    }

    // MARK: Request parts

    /// The calling SAE as the listener established it (`CallerIdentity`): the verified client
    /// certificate over mutual TLS; the `Authorization` header in simulation mode, where a KME with
    /// exactly one SAE assumes that one without the header, as the reference does. It must be an
    /// SAE of this KME.
    func callerSAE(_ request: Request, _ context: NodeRequestContext) throws(ETSIError) -> String {
        let name: String
        switch context.callerIdentity.sae(assuming: settings.encryptors.count == 1 ? settings.encryptors[0] : nil) {
        case .success(let sae): name = sae
        case .failure(let error): throw .unauthorized(error.message)
        }
        guard settings.encryptors.contains(name) else {
            throw .unauthorized("SAE '\(Self.printable(name))' is not attached to this KME.")
        }
        return name
    }

    /// The SAE ID in the path (URL-encoded on the wire).
    private func pathSAE(_ context: NodeRequestContext, role: String) throws(ETSIError) -> String {
        guard let raw = context.parameters.get("sae"), let name = raw.removingPercentEncoding, !name.isEmpty else {
            throw .badRequest("The \(role) SAE ID in the path is malformed.")
        }
        return name
    }

    /// The KME that serves `sae`; 400 for an SAE unknown to the network.
    private func owner(of sae: String, role: String) throws(ETSIError) -> String {
        guard let owner = settings.saeOwners[sae] else {
            throw .badRequest("\(role)_SAE_ID '\(Self.printable(sae))' is not known to this network.")
        }
        return owner
    }

    private func parameters(_ request: Request) throws(ETSIError) -> QueryParameters {
        try ETSIQueryValues.parameters(request).mapError { ETSIError.badRequest($0.message) }.get()
    }

    /// An optional integer query parameter (plain decimal digits).
    private func integer(_ query: QueryParameters, _ name: String) throws(ETSIError) -> Int? {
        try ETSIQueryValues.decimal(query, name, digits: 18)
            .mapError { _ in ETSIError.badRequest("\(name) shall be a non-negative decimal integer.") }.get()
    }

    private func bodyBytes(_ request: Request) async throws(ETSIError) -> [UInt8] {
        do {
            return try await request.collectBytes(limit: Self.bodyLimit)
        } catch {
            throw .badRequest("The request body could not be read or exceeds \(Self.bodyLimit) bytes.")
        }
    }

    private func decode<T: Decodable>(_ type: T.Type, from body: [UInt8]) throws(ETSIError) -> T {
        do {
            return try WireCoding.decode(type, from: body, limit: Self.bodyLimit)
        } catch {
            throw .badRequest("Invalid request body: \(error)")
        }
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    /// Names from requests can be hostile: shortened, without control characters.
    static func printable(_ text: String) -> String {
        String(text.unicodeScalars.prefix(64).map { $0.value < 0x20 || $0.value == 0x7F ? "?" : Character($0) })
    }
}
