import DSKECore
import DSKEService
import Foundation
import Hummingbird

/// The batch extensions: one signed message per hub for many keys, so a request for 128 keys
/// costs one MAC key per leg instead of 128 (and one round trip instead of 128).
extension HubService {
    /// `POST key-shares`: all the shares are stored or none. Answer: signed `null`.
    func postKeyShares(_ request: Request, _ context: NodeRequestContext) async throws -> Response {
        let body = try await request.collectBytes(limit: KeyShareBatch.bodyLimit)
        let value = try Self.parse(body, limit: KeyShareBatch.bodyLimit)
        let client = try Self.stringMember(value, "master_client_name")
        try await authenticate(client: client, request: request, context: context, body: body)
        let message: PostKeySharesRequest
        do {
            message = try Self.decode(PostKeySharesRequest.self, from: value)
        } catch {
            if case .object(let object) = value, case .array(let elements)? = object["shares"] {
                await takeNamedPads(client: client, in: Array(elements.prefix(KeyShareBatch.maxCount)))
            }
            throw error
        }
        // Every pad is taken, even after one fails, so both copies of the pool agree.
        var opened: [SecretBytes] = []
        var firstError: ServiceError?
        for share in message.shares {
            do {
                opened.append(try await openShare(client: client, allocation: share.encryptionKeyAllocation,
                                                  encrypted: share.encryptedShareValue))
            } catch {
                firstError = firstError ?? error
            }
        }
        if let firstError {
            for share in opened { share.wipe() }
            throw firstError
        }
        let slaveClient = try await slaveClient(master: client, masterSAE: message.masterSAEID, slaveSAE: message.slaveSAEID)
        let expiresAt = await shares.expiryInstant()
        let pending = zip(message.shares, opened).map { share, value in
            PendingShare(keyID: share.userKeyID, masterClient: client, masterSAE: message.masterSAEID,
                         slaveSAE: message.slaveSAEID, slaveClient: slaveClient, shareIndex: share.shareIndex,
                         value: value, expiresAt: expiresAt)
        }
        try await shares.add(pending)
        do {
            let response = try await signedResponse(client: client, body: WireCoding.nullBody)
            logger.debug("\(pending.count) shares from \(client) for \(slaveClient)")
            return response
        } catch {
            await shares.discard(pending.map(\.keyID))
            throw error
        }
    }

    /// `POST key-shares/fetch`: the shares held for the listed keys, in request order, each under
    /// its own pad from the hub's own pool; keys not held are left out, and 404 when none is.
    func fetchKeyShares(_ request: Request, _ context: NodeRequestContext) async throws -> Response {
        let body = try await request.collectBytes(limit: Self.fetchBodyLimit)
        let value = try Self.parse(body, limit: Self.fetchBodyLimit)
        let client = try Self.stringMember(value, "client_name")
        try await authenticate(client: client, request: request, context: context, body: body)
        let message = try Self.decode(FetchKeySharesRequest.self, from: value)
        let claimed = try await shares.claim(keyIDs: message.keyIDs, client: client,
                                             masterSAE: message.masterSAEID, slaveSAE: message.slaveSAEID)
        guard !claimed.isEmpty else {
            throw ServiceError.notFound("Unknown key IDs.", details: ["count": .number(JSONNumber(message.keyIDs.count))])
        }
        do {
            var sealed: [BatchKeyShare] = []
            sealed.reserveCapacity(claimed.count)
            for share in claimed {
                let (allocation, encrypted) = try await sealShare(client: client, share: share)
                sealed.append(BatchKeyShare(userKeyID: share.keyID, shareIndex: share.shareIndex,
                                            encryptionKeyAllocation: allocation, encryptedShareValue: encrypted))
            }
            let response = try await signedResponse(client: client, body: WireCoding.encode(FetchKeySharesResponse(shares: sealed)))
            for share in claimed { share.wipe() }
            logger.debug("\(claimed.count) shares delivered to \(client)")
            return response
        } catch {
            await shares.restore(claimed)
            throw error
        }
    }
}
