import DSKECore
import DSKEService
import Foundation
import Hummingbird

/// The batch extensions: one signed message per hub for many keys, so a request for 128 keys
/// costs one MAC key per leg instead of 128 (and one round trip instead of 128).
extension HubService {
    /// `POST key-shares`: all the shares are stored or none. Answer: signed `null`.
    func postKeyShares(_ request: Request, _ context: NodeRequestContext) async throws -> Response {
        let (client, message) = try await readSignedBody(PostKeySharesRequest.self, request, context, limit: KeyShareBatch.bodyLimit,
                                                         sender: "master_client_name", \.masterClientName) { value in
            guard case .object(let object) = value else { return [] }
            return Self.namedShares(in: object)
        }
        let pending = try await store(client: client, message)
        do {
            let response = try await signedResponse(client: client, body: WireCoding.nullBody)
            logger.debug("\(pending.count) shares from \(client)")
            return response
        } catch {
            await shares.discard(pending.map(\.keyID))
            throw error
        }
    }

    /// Reads a signed body whose member `senderMember` names the sender: straight from the bytes
    /// when it is in the plain form (`DirectBytesMessage`), else through the parser and Codable,
    /// whose errors are the hub's answer. The sender is authenticated before the body means
    /// anything; a signed body that then turns out malformed still has every pad `namedShares`
    /// finds in it taken, so both copies of the pool stay in step.
    func readSignedBody<T: Decodable>(_ type: T.Type, _ request: Request, _ context: NodeRequestContext, limit: Int,
                                      sender senderMember: String, _ sender: (T) -> String,
                                      namedShares: (JSONValue) -> [JSONValue] = { _ in [] }) async throws -> (client: String, message: T) {
        let body = try await request.collectBytes(limit: limit)
        if let direct = body.withUnsafeBufferPointer({ WireCoding.directDecode(T.self, from: $0) }) {
            try await authenticate(client: sender(direct), request: request, context: context, body: body)
            return (sender(direct), direct)
        }
        let value = try Self.parse(body, limit: limit)
        let client = try Self.stringMember(value, senderMember)
        try await authenticate(client: client, request: request, context: context, body: body)
        do {
            return (client, try Self.decode(T.self, from: value))
        } catch {
            await takeNamedPads(client: client, in: namedShares(value))
            throw error
        }
    }

    /// What names pads in one batch body, for `takeNamedPads`: each share object of the list
    /// form, or the one object of the packed form (its allocation covers every share).
    static func namedShares(in object: JSONObject) -> [JSONValue] {
        if let packed = object["packed_shares"] { return [packed] }
        guard case .array(let elements)? = object["shares"] else { return [] }
        return Array(elements.prefix(KeyShareBatch.maxCount))
    }

    /// One batch of shares: pads taken, pair checked, shares stored (all or none).
    func store(client: String, _ message: PostKeySharesRequest) async throws(ServiceError) -> [PendingShare] {
        let opened = try await openShares(client: client, message.shares)
        let slaveClient: String
        do {
            slaveClient = try await self.slaveClient(master: client, masterSAE: message.masterSAEID, slaveSAE: message.slaveSAEID)
        } catch {
            for value in opened { value.wipe() }
            throw error
        }
        let pending = zip(message.shares, opened).map { share, value in
            PendingShare(keyID: share.userKeyID, masterClient: client, masterSAE: message.masterSAEID,
                         slaveSAE: message.slaveSAEID, slaveClient: slaveClient, shareIndex: share.shareIndex, value: value)
        }
        try await shares.add(pending)
        return pending
    }

    /// `POST key-shares/fetch`: the shares held for the listed keys, in request order, each under
    /// its own pad from the hub's own pool; keys not held are left out, and 404 when none is.
    func fetchKeyShares(_ request: Request, _ context: NodeRequestContext) async throws -> Response {
        let (client, message) = try await readSignedBody(FetchKeySharesRequest.self, request, context, limit: Self.fetchBodyLimit,
                                                         sender: "client_name", \.clientName)
        let claimed = try await shares.claim(keyIDs: message.keyIDs, client: client,
                                             masterSAE: message.masterSAEID, slaveSAE: message.slaveSAEID)
        guard !claimed.isEmpty else {
            throw ServiceError.notFound("Unknown key IDs.", details: ["count": .number(JSONNumber(message.keyIDs.count))])
        }
        return try await deliver(claimed, to: client) { FetchKeySharesResponse(shares: $0, packed: message.packed) }
    }

    /// Seals the claimed shares for `client` (pads from one allocation when it can) and signs the
    /// answer `answer` builds from them. The shares are wiped once the answer is signed, or put
    /// back when it cannot be built (the hub's own pool ran dry): delivered once, or not at all.
    func deliver<Answer: WireMessage>(_ claimed: [PendingShare], to client: String,
                                      answer: ([BatchKeyShare]) -> Answer) async throws -> Response {
        do {
            let sealed = claimed.isEmpty ? [] : try await sealShares(client: client, claimed)
            let response = try await signedResponse(client: client, body: WireCoding.encode(answer(sealed)))
            for share in claimed { share.wipe() }
            logger.debug("\(claimed.count) shares delivered to \(client)")
            return response
        } catch {
            await shares.restore(claimed)
            throw error
        }
    }

    /// Takes every pad of a batch (normally with one merged take, `NodeStore.take(peer:allocations:)`).
    /// Every pad is taken even when one is refused, so both copies of the pool agree on what is
    /// used; then the first failure is thrown.
    func openShares(client: String, _ shares: [BatchKeyShare]) async throws(ServiceError) -> [SecretBytes] {
        let pads = await store.take(peer: client, allocations: shares.map(\.encryptionKeyAllocation))
        var opened: [SecretBytes] = []
        opened.reserveCapacity(shares.count)
        for (share, pad) in zip(shares, pads) {
            switch pad {
            case .success(let bytes):
                opened.append(SecretBytes(OneTimePad.applyAndWipe(pad: bytes, to: share.encryptedShareValue)))
            case .failure(let error):
                for value in opened { value.wipe() }
                throw ServiceError.fromPeerPool(error)
            }
        }
        return opened
    }

    /// Encrypts each share under its own pad, all cut from one allocation of the hub's own pool
    /// when it can be (one store call instead of one per share).
    func sealShares(client: String, _ shares: [PendingShare]) async throws(ServiceError) -> [BatchKeyShare] {
        let sizes = shares.map { $0.value.count }
        let total = sizes.reduce(0, +)
        var pieces: [(Allocation, [UInt8])]?
        // Wiped once every share is sealed, not before: a piece cut from all of it is the same
        // buffer (an Array of a whole-array slice shares its storage).
        var whole: [UInt8] = []
        defer { SecretBytes.wipe(whole) }
        do {
            let (allocation, pad) = try await store.allocate(peer: client, size: total)
            whole = pad
            let slices = try allocation.slices(sizes: sizes)
            var offset = 0
            pieces = zip(slices, sizes).map { piece, size in
                defer { offset += size }
                return (piece, Array(pad[offset..<(offset + size)]))
            }
        } catch .exhausted(let requested, let available) {
            throw ServiceError.psrdExhausted("\(requested) bytes needed, \(available) available")
        } catch {
            // Too large for one allocation, or too fragmented: one pad at a time.
            pieces = nil
        }
        var sealed: [BatchKeyShare] = []
        sealed.reserveCapacity(shares.count)
        for (i, share) in shares.enumerated() {
            let (allocation, encrypted): (Allocation, [UInt8])
            if let pieces {
                allocation = pieces[i].0
                encrypted = share.value.withBytes { OneTimePad.applyAndWipe(pad: pieces[i].1, to: $0) }
            } else {
                (allocation, encrypted) = try await sealShare(client: client, share: share)
            }
            sealed.append(BatchKeyShare(userKeyID: share.keyID, shareIndex: share.shareIndex,
                                        encryptionKeyAllocation: allocation, encryptedShareValue: encrypted))
        }
        return sealed
    }
}
