import DSKECore
import DSKEService
import Foundation
import Hummingbird

/// The multi extension (`MultiShareMessages.swift`): several batch messages of one client in one
/// signed message. Each inner message gets the outcome it would have got alone, so one
/// request's refusal does not fail the others; only what concerns the whole message (its
/// signature, its shape, the hub's own pool, the answer's signature) refuses it all.
extension HubService {
    /// `POST key-shares/multi`: each inner message's shares are stored or refused as by
    /// `POST key-shares`. Answer: a signed `KeySharesMultiResponse`.
    func postKeySharesMulti(_ request: Request, _ context: NodeRequestContext) async throws -> Response {
        let (client, message) = try await readSignedBody(PostKeySharesMultiRequest.self, request, context, limit: KeyShareBatch.bodyLimit,
                                                         sender: "master_client_name", \.masterClientName, namedShares: Self.innerShares)
        var outcomes: [KeySharesOutcome] = []
        var stored: [PendingBatch] = []
        for inner in message.messages {
            do throws(ServiceError) {
                stored += try await store(client: client, inner)
                outcomes.append(.accepted)
            } catch {
                outcomes.append(Self.outcome(error))
            }
        }
        do {
            return try await signedResponse(client: client, body: WireCoding.encode(KeySharesMultiResponse(outcomes: outcomes)))
        } catch {
            await shares.discard(stored)
            throw error
        }
    }

    /// `POST key-shares/fetch-multi`: each inner request is claimed as by `POST key-shares/fetch`
    /// (keys not held are left out; an inner request with none gets an empty list), and every
    /// share delivered is sealed under pads cut from one allocation of the hub's own pool.
    func fetchKeySharesMulti(_ request: Request, _ context: NodeRequestContext) async throws -> Response {
        // The key IDs are bounded as in one fetch; each inner request adds its names.
        let (client, message) = try await readSignedBody(FetchKeySharesMultiRequest.self, request, context,
                                                         limit: Self.fetchBodyLimit + KeyShareMulti.maxMessages * 1024,
                                                         sender: "client_name", \.clientName)
        var claims: [Result<[PendingShare], ServiceError>] = []
        for inner in message.requests {
            do throws(ServiceError) {
                claims.append(.success(try await shares.claim(keyIDs: inner.keyIDs, client: client,
                                                              masterSAE: inner.masterSAEID, slaveSAE: inner.slaveSAEID)))
            } catch {
                claims.append(.failure(error))
            }
        }
        let groups = claims.map { claim in (try? claim.get()) ?? [] }
        return try await deliver(groups, packed: message.requests.map { $0.packed }, to: client) { sealed in
            KeySharesMultiResponse(outcomes: zip(claims, sealed).map { claim, sealed in
                if case .failure(let error) = claim { return Self.outcome(error) }
                return KeySharesOutcome(sealed)
            })
        }
    }

    /// The outcome an inner message gets for `error`: the answer it would have got alone.
    static func outcome(_ error: ServiceError) -> KeySharesOutcome {
        KeySharesOutcome(status: Int(error.status.code), error: ErrorResponse(message: error.message, details: error.details))
    }

    /// The share objects of every inner message of a malformed multi body, for `takeNamedPads`.
    static func innerShares(of value: JSONValue) -> [JSONValue] {
        guard case .object(let object) = value, case .array(let messages)? = object["messages"] else { return [] }
        var found: [JSONValue] = []
        for case .object(let inner) in messages.prefix(KeyShareMulti.maxMessages) {
            found += namedShares(in: inner).prefix(KeyShareBatch.maxCount - found.count)
            if found.count >= KeyShareBatch.maxCount { break }
        }
        return found
    }
}
