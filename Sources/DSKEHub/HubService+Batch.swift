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
        let stored = try await store(client: client, message)
        do {
            let response = try await signedResponse(client: client, body: WireCoding.nullBody)
            logger.debug("\(message.shareCount) shares from \(client)")
            return response
        } catch {
            await shares.discard(stored)
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

    /// One batch message: pads taken, pair checked, shares stored (all or none). A packed message
    /// becomes one `PendingBatch`; a list, one per share (its shares may differ in index or size).
    func store(client: String, _ message: PostKeySharesRequest) async throws(ServiceError) -> [PendingBatch] {
        let pads = try await takePads(client: client, message)
        let slaveClient: String
        do {
            slaveClient = try await self.slaveClient(master: client, masterSAE: message.masterSAEID, slaveSAE: message.slaveSAEID)
        } catch {
            for pad in pads { SecretBytes.wipe(pad) }
            throw error
        }
        var batches: [PendingBatch] = []
        func open(_ keyIDs: [UUID], index: Int, encrypted: [UInt8], pad: [UInt8]) {
            if let batch = PendingBatch(keyIDs: keyIDs, masterClient: client, masterSAE: message.masterSAEID,
                                        slaveSAE: message.slaveSAEID, slaveClient: slaveClient, shareIndex: index,
                                        encrypted: encrypted, pad: pad) { batches.append(batch) }
        }
        if let packed = message.packed {
            open(packed.keyIDs, index: packed.shareIndex, encrypted: packed.values, pad: pads[0])
        } else {
            for (share, pad) in zip(message.listShares, pads) {
                open([share.userKeyID], index: share.shareIndex, encrypted: share.encryptedShareValue, pad: pad)
            }
        }
        // The readers check every pad against its share, so this is a second line only.
        guard batches.count == pads.count else { throw .badRequest("A share and its pad differ in length.") }
        try await shares.add(batches)
        return batches
    }

    /// Takes every pad of a batch message from the client-owned pool: the packed form's one
    /// allocation, or each share's (with one merged take, `NodeStore.take(peer:allocations:)`).
    /// Every pad is taken even when one is refused, so both copies of the pool agree on what is
    /// used; then the first failure is thrown.
    func takePads(client: String, _ message: PostKeySharesRequest) async throws(ServiceError) -> [[UInt8]] {
        if let packed = message.packed { return [try await takePad(client: client, allocation: packed.allocation)] }
        let taken = await store.take(peer: client, allocations: message.listShares.map { $0.encryptionKeyAllocation })
        var pads: [[UInt8]] = []
        pads.reserveCapacity(taken.count)
        var refusal: PSRDError?
        for result in taken {
            switch result {
            case .success(let pad): pads.append(pad)
            case .failure(let error): refusal = refusal ?? error
            }
        }
        if let refusal {
            for pad in pads { SecretBytes.wipe(pad) }
            throw ServiceError.fromPeerPool(refusal)
        }
        return pads
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
        return try await deliver([claimed], packed: [message.packed], to: client) { FetchKeySharesResponse($0[0]) }
    }

    /// Seals each group of claimed shares for `client` (packed where `packed` asks and the group
    /// has a packed form) and signs the answer `answer` builds from them. The shares are wiped
    /// once the answer is signed, or put back when it cannot be built (the hub's own pool ran
    /// dry): delivered once, or not at all.
    func deliver<Answer: WireMessage>(_ groups: [[PendingShare]], packed: [Bool], to client: String,
                                      answer: ([SealedShares]) -> Answer) async throws -> Response {
        do {
            let sealed = try await sealShares(client: client, groups, packed: packed)
            let response = try await signedResponse(client: client, body: WireCoding.encode(answer(sealed)))
            var count = 0
            for group in groups {
                for share in group { share.wipe() }
                count += group.count
            }
            logger.debug("\(count) shares delivered to \(client)")
            return response
        } catch {
            await shares.restore(groups.flatMap { $0 })
            throw error
        }
    }

    /// Encrypts the groups' shares under pads cut from one allocation of the hub's own pool when
    /// it can be (one store call for them all): a group asked for packed, of one share index and
    /// one size, becomes one `PackedShares` over its whole cut; any other group, a list with a
    /// pad per share.
    func sealShares(client: String, _ groups: [[PendingShare]], packed: [Bool]) async throws(ServiceError) -> [SealedShares] {
        let groupSizes = groups.map { group in group.reduce(0) { $0 + $1.size } }
        let total = groupSizes.reduce(0, +)
        guard total > 0 else { return groups.map { _ in .list([]) } }
        // Wiped once every share is sealed, not before: every cut is read from it.
        var whole: [UInt8] = []
        defer { SecretBytes.wipe(whole) }
        let cuts: [Allocation?]
        do {
            let (allocation, pad) = try await store.allocate(peer: client, size: total)
            whole = pad
            // An empty group (an inner request that found no share) gets no cut.
            var pieces = try allocation.slices(sizes: groupSizes.filter { $0 > 0 })[...]
            cuts = groupSizes.map { $0 > 0 ? pieces.popFirst() : nil }
        } catch .exhausted(let requested, let available) {
            throw ServiceError.psrdExhausted("\(requested) bytes needed, \(available) available")
        } catch {
            // Too large for one allocation, or too fragmented: one pad per share.
            var sealed: [SealedShares] = []
            for group in groups {
                var list: [BatchKeyShare] = []
                for share in group {
                    let (allocation, encrypted) = try await sealShare(client: client, share: share)
                    list.append(BatchKeyShare(userKeyID: share.keyID, shareIndex: share.shareIndex,
                                              encryptionKeyAllocation: allocation, encryptedShareValue: encrypted))
                }
                sealed.append(.list(list))
            }
            return sealed
        }
        var sealed: [SealedShares] = []
        sealed.reserveCapacity(groups.count)
        var offset = 0
        for (g, group) in groups.enumerated() {
            guard let cut = cuts[g] else {
                sealed.append(.list([]))
                continue
            }
            let encrypted = Self.encrypt(group, with: whole, from: offset)
            offset += groupSizes[g]
            if packed[g], let first = group.first,
               group.allSatisfy({ $0.shareIndex == first.shareIndex && $0.size == first.size }),
               let form = PackedShares(shareIndex: first.shareIndex, keyIDs: group.map { $0.keyID }, allocation: cut,
                                       values: encrypted) {
                sealed.append(.packed(form))
                continue
            }
            let pieces: [Allocation]
            do {
                pieces = try cut.slices(sizes: group.map { $0.size })
            } catch {
                throw ServiceError.internalError("cutting a fresh allocation: \(error)")
            }
            var start = 0
            sealed.append(.list(group.indices.map { i in
                defer { start += group[i].size }
                return BatchKeyShare(userKeyID: group[i].keyID, shareIndex: group[i].shareIndex, encryptionKeyAllocation: pieces[i],
                                     encryptedShareValue: Array(encrypted[start..<(start + group[i].size)]))
            }))
        }
        return sealed
    }

    /// The group's shares one after the other, each XOR the pad bytes at `offset` onwards.
    static func encrypt(_ group: [PendingShare], with pad: [UInt8], from offset: Int) -> [UInt8] {
        let size = group.reduce(0) { $0 + $1.size }
        return [UInt8](unsafeUninitializedCapacity: size) { output, initialized in
            pad.withUnsafeBufferPointer { pad in
                var at = 0
                for share in group {
                    share.withValue { value in
                        OneTimePad.xor(value, with: UnsafeBufferPointer(rebasing: pad[(offset + at)...]),
                                       into: UnsafeMutableBufferPointer(rebasing: output[at...]))
                        at += value.count
                    }
                }
            }
            initialized = size
        }
    }
}
