import DSKECore
import DSKEService
import Foundation
import Hummingbird

/// The reference's out-of-band endpoints (simulation of physical PSRD delivery; unauthenticated
/// by design, served only with `out_of_band: http`).
extension HubService {
    /// `PUT /hub/{hub}/dske/oob/v1/registration`: `{"client_name", "encryptor_names"}` ->
    /// `{"hub_name"}`. Durable before the answer; re-registration keeps the pools.
    func putRegistration(_ request: Request) async throws -> Response {
        let body = try await request.collectBytes(limit: Self.registrationBodyLimit)
        let message = try Self.decode(RegistrationRequest.self, from: try Self.parse(body, limit: Self.registrationBodyLimit))
        try await registrations.register(client: message.clientName, encryptors: message.encryptorNames)
        await counters.add(.registrations)
        logger.info("registered client \(message.clientName) (encryptors: \(message.encryptorNames.joined(separator: ", ")))")
        return JSONResponse.make(body: RegistrationResponse(hubName: settings.name))
    }

    /// `GET /hub/{hub}/dske/oob/v1/psrd?client_name=C&pool_owner=client|hub&size=N` (`owner` is
    /// accepted for `pool_owner`, as newer reference clients send): a fresh block of N random bytes,
    /// stored durably in the matching pool before it is sent; raw when the request accepts it
    /// (`PSRDBlockOctets`), else the reference's JSON.
    func getPSRD(_ request: Request) async throws -> Response {
        let query = try QueryParameters(query: request.uri.query)
        let client = try query.require("client_name")
        let ownerText: String
        switch (query["pool_owner"], query["owner"]) {
        case let (poolOwner?, owner?) where poolOwner != owner:
            throw ServiceError.badRequest("Query parameters 'pool_owner' and 'owner' disagree.")
        case let (poolOwner?, _):
            ownerText = poolOwner
        case let (nil, owner?):
            ownerText = owner
        case (nil, nil):
            throw ServiceError.badRequest("Missing query parameter 'pool_owner'.", details: ["parameter": "pool_owner"])
        }
        guard let owner = PoolOwner(rawValue: ownerText.lowercased()) else {
            throw ServiceError.badRequest("Pool owner is invalid: expected 'client' or 'hub'.",
                                          details: ["pool_owner": .string(String(ownerText.prefix(64)))])
        }
        let size = try query.requireInt("size", in: 1...settings.maxPSRDBlockSize)
        guard await registrations.isRegistered(client) else {
            await counters.add(.refusedRequests)
            throw ServiceError.clientNotRegistered(client)
        }
        let unused = await store.unusedBytes(peer: client, owner: owner)
        guard unused <= settings.maxPoolBytes - size else {
            await counters.add(.refusedRequests)
            throw ServiceError.unavailable("The pool already holds as much PSRD as this hub gives out.",
                                           details: ["client_name": .string(client), "pool_owner": .string(owner.rawValue),
                                                     "unused_bytes": .number(JSONNumber(unused)),
                                                     "max_pool_bytes": .number(JSONNumber(settings.maxPoolBytes))])
        }
        let uuid = UUID()
        // Off the event loop: a block is up to max_psrd_block_size bytes of kernel CSPRNG output.
        let data = await OffLoop.run { SecureRandom.bytes(size) }
        do {
            try await store.addBlock(peer: client, owner: owner, uuid: uuid, bytes: data, source: "oob-http")
        } catch {
            throw ServiceError.internalError("adding PSRD block: \(error)")
        }
        await counters.add(.psrdBlocks)
        await counters.add(.psrdBytes, size)
        logger.info("PSRD block \(uuid.lowercased) of \(size) bytes for client \(client), pool owner \(owner.rawValue)")
        if PSRDBlockOctets.isAccepted(request.headers[values: .accept].joined(separator: ",")) {
            return PSRDBlockOctets.response(uuid: uuid, bytes: data)
        }
        return JSONResponse.make(body: PSRDBlockResponse(blockUUID: uuid, data: data))
    }
}
