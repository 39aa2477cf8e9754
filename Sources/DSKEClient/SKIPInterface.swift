import DSKECore
import DSKEService
import Foundation
import Hummingbird
import Logging

/// Cisco's Secure Key Integration Protocol (draft-cisco-skip) for this KME's SAEs: the same keys
/// as ETSI GS QKD 014, through the same key path (`ETSIInterface.makeKeys` / `fetchKeys`, which
/// drive the `KeyRelay`), on a listener of its own (`SKIPListener`). docs/skip.md describes it.
///
/// A system ID is an SAE ID. The caller is named the way ETSI names it (client certificate, or
/// in simulation mode the `Authorization` header); `remoteSystemID` names the other end.
struct SKIPInterface: Sendable {
    let settings: ClientSettings
    let etsi: ETSIInterface
    let logger: Logger

    static let algorithm = "DSKE"
    /// Bits of a key when `size` is absent (the draft's default).
    static let defaultKeySize = 256
    /// Bits of entropy when `minentropy` is absent, and the most one call gives.
    static let defaultEntropy = 256
    static let maxEntropy = 65_536

    func routes() -> [Route] {
        [
            Route(.get, "/capabilities") { request, context in
                await answer(request) { () async throws(SKIPError) in try capabilities(request, context) }
            },
            Route(.get, "/key") { request, context in
                await answer(request) { () async throws(SKIPError) in try await newKey(request, context) }
            },
            Route(.get, "/key/:keyId") { request, context in
                await answer(request) { () async throws(SKIPError) in try await existingKey(request, context) }
            },
            Route(.get, "/entropy") { request, context in
                await answer(request) { () async throws(SKIPError) in try entropy(request, context) }
            },
        ]
    }

    private func answer(_ request: Request, _ handler: () async throws(SKIPError) -> Response) async -> Response {
        do {
            return try await handler()
        } catch {
            await etsi.counters.add(.refusedRequests)
            if case .internalError = error {
                logger.error("SKIP \(request.method) \(request.uri.path): \(error)")
            } else {
                logger.info("SKIP \(request.method) \(request.uri.path): \(error)")
            }
            return error.response
        }
    }

    // MARK: Endpoints

    /// `GET /capabilities`.
    func capabilities(_ request: Request, _ context: NodeRequestContext) throws(SKIPError) -> Response {
        let local = try caller(request, context)
        let remote = settings.saeOwners.keys.filter { $0 != local }.sorted()
        return JSONResponse.make(body: SKIPCapabilities(entropy: true, key: true, algorithm: Self.algorithm,
                                                        localSystemID: local, remoteSystemID: remote))
    }

    /// `GET /key?remoteSystemID=ID[&size=BITS]`: a new key shared with `ID`; the caller is the
    /// master of the key in ETSI terms.
    func newKey(_ request: Request, _ context: NodeRequestContext) async throws(SKIPError) -> Response {
        let local = try caller(request, context)
        let query = try parameters(request)
        let remote = try remoteSystem(query, local: local)
        let size = try bits(query, "size") ?? Self.defaultKeySize
        guard size % 8 == 0 else { throw .badRequest("size shall be a multiple of 8.") }
        guard ETSILimits.keySizeRange.contains(size) else {
            throw .badRequest("size shall be between \(ETSILimits.keySizeRange.lowerBound) and \(ETSILimits.keySizeRange.upperBound).")
        }
        await etsi.counters.add(.encKeysRequests)
        let keys: [UserKey]
        do {
            keys = try await etsi.makeKeys(master: local, slaves: [remote], number: 1, bytes: size / 8)
        } catch {
            throw SKIPError(error)
        }
        logger.debug("SKIP key of \(size) bits for \(local)->\(remote)")
        return Self.deliver(keys[0])
    }

    /// `GET /key/{keyId}?remoteSystemID=ID`: the key `ID` got from `/key`, for its peer.
    func existingKey(_ request: Request, _ context: NodeRequestContext) async throws(SKIPError) -> Response {
        let local = try caller(request, context)
        let query = try parameters(request)
        let remote = try remoteSystem(query, local: local)
        guard let text = context.parameters.get("keyId"), let keyID = SKIPHex.keyID(text) else {
            throw .badRequest("keyId shall be 32 hex digits.")
        }
        await etsi.counters.add(.decKeysRequests)
        let keys: [UserKey]
        do {
            keys = try await etsi.fetchKeys(master: remote, slave: local, keyIDs: [keyID])
        } catch {
            throw SKIPError(error)
        }
        logger.debug("SKIP key for \(remote)->\(local) delivered")
        return Self.deliver(keys[0])
    }

    /// `GET /entropy[?minentropy=BITS]`: full-entropy random bytes from the OS CSPRNG, in hex.
    func entropy(_ request: Request, _ context: NodeRequestContext) throws(SKIPError) -> Response {
        _ = try caller(request, context)
        let query = try parameters(request)
        let wanted = try bits(query, "minentropy") ?? Self.defaultEntropy
        guard (1...Self.maxEntropy).contains(wanted) else {
            throw .badRequest("minentropy shall be between 1 and \(Self.maxEntropy).")
        }
        let bytes = (wanted + 7) / 8
        let random = SecretBytes(SecureRandom.bytes(bytes))
        defer { random.wipe() }
        return JSONResponse.make(body: SKIPEntropy(randomStr: random.withBytes(SKIPHex.encode), minentropy: bytes * 8))
    }

    // MARK: Parts

    /// The answer to `/key` and `/key/{keyId}`; the key's bytes and the answer's buffer are
    /// zeroed once Hummingbird holds its own copy (the one left, freed once written).
    private static func deliver(_ key: UserKey) -> Response {
        let secret = SecretBytes(key.value)
        defer { secret.wipe() }
        let body = SecretBytes(SKIPKey.body(id: key.id, key: secret))
        defer { body.wipe() }
        return body.withBytes { bytes in
            var response = JSONResponse.make(bytes: bytes)
            response.headers[.cacheControl] = "no-store"
            return response
        }
    }

    /// The calling system, as ETSI names it.
    private func caller(_ request: Request, _ context: NodeRequestContext) throws(SKIPError) -> String {
        do {
            return try etsi.callerSAE(request, context)
        } catch {
            throw .unauthorized(error.body.message)
        }
    }

    private func remoteSystem(_ query: QueryParameters, local: String) throws(SKIPError) -> String {
        guard let remote = query["remoteSystemID"], !remote.isEmpty else { throw .badRequest("remoteSystemID is required.") }
        guard settings.saeOwners[remote] != nil else {
            throw .badRequest("remoteSystemID '\(ETSIInterface.printable(remote))' is not a system of this network.")
        }
        guard remote != local else { throw .badRequest("remoteSystemID names the calling system itself.") }
        return remote
    }

    private func parameters(_ request: Request) throws(SKIPError) -> QueryParameters {
        try ETSIQueryValues.parameters(request).mapError { SKIPError.badRequest($0.message) }.get()
    }

    /// An optional count of bits (plain decimal digits).
    private func bits(_ query: QueryParameters, _ name: String) throws(SKIPError) -> Int? {
        try ETSIQueryValues.decimal(query, name, digits: 9).mapError { _ in SKIPError.badRequest("\(name) shall be a decimal number of bits.") }.get()
    }
}
