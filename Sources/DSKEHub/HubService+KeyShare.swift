import DSKECore
import DSKEService
import Foundation
import Hummingbird

/// The reference's key-share relay (`/dske/api/v1/key-share`), wire-compatible with its client,
/// plus DELETE for a master client cleaning up after a failed scatter.
extension HubService {
    /// `POST key-share`: the master client hands over one share. Answer: signed `null`.
    func postKeyShare(_ request: Request, _ context: NodeRequestContext) async throws -> Response {
        let body = try await request.collectBytes(limit: RequestBody.defaultLimit)
        let value = try Self.parse(body, limit: RequestBody.defaultLimit)
        let client = try Self.stringMember(value, "master_client_name")
        try await authenticate(client: client, request: request, context: context, body: body)
        let message: PostKeyShareRequest
        do {
            message = try Self.decode(PostKeyShareRequest.self, from: value)
        } catch {
            await takeNamedPads(client: client, in: [value])
            throw error
        }
        let pad = try await takePad(client: client, allocation: message.encryptionKeyAllocation)
        let slaveClient: String
        do {
            slaveClient = try await self.slaveClient(master: client, masterSAE: message.masterSAEID, slaveSAE: message.slaveSAEID)
        } catch {
            SecretBytes.wipe(pad)
            throw error
        }
        guard let batch = PendingBatch(keyIDs: [message.userKeyID], masterClient: client, masterSAE: message.masterSAEID,
                                       slaveSAE: message.slaveSAEID, slaveClient: slaveClient, shareIndex: message.shareIndex,
                                       encrypted: message.encryptedShareValue, pad: pad) else {
            throw ServiceError.badRequest("A share and its pad differ in length.")
        }
        try await shares.add([batch])
        do {
            let response = try await signedResponse(client: client, body: WireCoding.nullBody)
            logger.debug("share \(message.shareIndex) of key \(message.userKeyID.lowercased) from \(client) for \(slaveClient)")
            return response
        } catch {
            await shares.discard([batch])
            throw error
        }
    }

    /// `GET key-share?client_name&master_sae_id&slave_sae_id&key_id`: the slave client takes its
    /// share, re-encrypted with a pad from the hub's own pool. Answer signed; the share is gone.
    func getKeyShare(_ request: Request, _ context: NodeRequestContext) async throws -> Response {
        let query = try QueryParameters(query: request.uri.query)
        let client = try query.require("client_name")
        let body = try await request.collectBytes(limit: Self.emptyBodyLimit)
        try await authenticate(client: client, request: request, context: context, body: body)
        let masterSAE = try query.require("master_sae_id")
        let slaveSAE = try query.require("slave_sae_id")
        let keyID = try query.requireUUID("key_id")
        let claimed = try await shares.claim(keyIDs: [keyID], client: client, masterSAE: masterSAE, slaveSAE: slaveSAE)
        guard let share = claimed.first else {
            throw ServiceError.notFound("Unknown key ID.", details: ["key_id": .string(keyID.lowercased)])
        }
        do {
            let (allocation, encrypted) = try await sealShare(client: client, share: share)
            let body = WireCoding.encode(GetKeyShareResponse(shareIndex: share.shareIndex, encryptionKeyAllocation: allocation,
                                                             encryptedShareValue: encrypted))
            let response = try await signedResponse(client: client, body: body)
            share.wipe()
            logger.debug("share \(share.shareIndex) of key \(keyID.lowercased) delivered to \(client)")
            return response
        } catch {
            await shares.restore(claimed)
            throw error
        }
    }

    /// `DELETE key-share?client_name&key_id` (extension): the master client withdraws a share it
    /// posted. Answer: signed `null`.
    func deleteKeyShare(_ request: Request, _ context: NodeRequestContext) async throws -> Response {
        let query = try QueryParameters(query: request.uri.query)
        let client = try query.require("client_name")
        let body = try await request.collectBytes(limit: Self.emptyBodyLimit)
        try await authenticate(client: client, request: request, context: context, body: body)
        let keyID = try query.requireUUID("key_id")
        try await shares.delete(keyID: keyID, by: client)
        logger.debug("share of key \(keyID.lowercased) withdrawn by \(client)")
        return try await signedResponse(client: client, body: WireCoding.nullBody)
    }
}
