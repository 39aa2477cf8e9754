import DSKECore
import DSKEService
import Foundation
import NIOHTTP1
import PSRDStore

/// Keeping the two pools of the pair filled (simulation mode): the client asks the hub for PSRD
/// for both, the pool it allocates from (`pool_owner=client`) and the one the hub allocates from
/// (`pool_owner=hub`), as the reference client does.
extension PeerHub {
    /// Makes sure `owner`'s pool holds at least `needed` unused bytes before a message uses them,
    /// fetching PSRD first if it does not (a burst waits for its refill instead of failing), and
    /// starts a background refill when the level left afterwards is below the start threshold.
    func ensure(_ owner: PoolOwner, bytes needed: Int) async -> Bool {
        for _ in 0..<3 {
            let unused = await store.unusedBytes(peer: name, owner: owner)
            if unused >= needed {
                if unused - needed < settings.startRequestPSRDThreshold { startRefill(owner, target: 0) }
                return true
            }
            guard settings.outOfBandHTTP, registered else { return false }
            guard await refill(owner, target: needed + settings.stopRequestPSRDThreshold) else { return false }
        }
        return await store.unusedBytes(peer: name, owner: owner) >= needed
    }

    /// Starts refills for the pools below the start threshold (the maintenance loop's job).
    func refillIfLow() async {
        guard settings.outOfBandHTTP, registered else { return }
        for owner in PoolOwner.allCases where refills[owner] == nil {
            if await store.unusedBytes(peer: name, owner: owner) < settings.startRequestPSRDThreshold {
                startRefill(owner, target: 0)
            }
        }
    }

    /// Joins the running refill of the pool (raising its target) or starts one, and waits.
    func refill(_ owner: PoolOwner, target: Int) async -> Bool {
        await startRefill(owner, target: target).value
    }

    @discardableResult
    func startRefill(_ owner: PoolOwner, target: Int) -> Task<Bool, Never> {
        refillTargets[owner] = max(refillTargets[owner] ?? 0, target)
        if let running = refills[owner] { return running }
        let task = Task { await self.runRefill(owner) }
        refills[owner] = task
        return task
    }

    /// Requests blocks until the pool reaches the stop threshold (or a higher target a waiting
    /// message set); stops at the first failure, which the maintenance loop retries later.
    private func runRefill(_ owner: PoolOwner) async -> Bool {
        defer {
            refills[owner] = nil
            refillTargets[owner] = nil
        }
        while !Task.isCancelled {
            let unused = await store.unusedBytes(peer: name, owner: owner)
            let target = max(refillTargets[owner] ?? 0, settings.stopRequestPSRDThreshold)
            if unused >= target { return true }
            let size = min(max(settings.getPSRDBlockSize, target - unused), blockLimit)
            guard await requestBlock(owner, size: size) else { return false }
        }
        return false
    }

    /// `GET /dske/oob/v1/psrd?client_name=C&pool_owner=client|hub&size=N` (the reference client's
    /// parameters, in its order), stored durably before it is used. Asks for the raw form
    /// (`PSRDBlockOctets`) and reads either.
    private func requestBlock(_ owner: PoolOwner, size: Int) async -> Bool {
        let query = [("client_name", settings.name), ("pool_owner", owner.rawValue), ("size", String(size))]
        let response: PeerResponse
        do {
            response = try await connection.send(.GET, path: "/dske/oob/v1/psrd", query: query, signed: false,
                                                 accept: PSRDBlockOctets.accept,
                                                 responseLimit: WireCoding.limit(forBase64Payload: size))
        } catch {
            note(.unreachable("\(error)"))
            return false
        }
        guard response.isOK else {
            let failure = classify(response)
            note(failure)
            learnBlockLimit(from: response, requested: size)
            logger.warning("hub \(name) refused PSRD for the \(owner.rawValue)-owned pool: \(failure)")
            return false
        }
        let block: PSRDBlockResponse
        do {
            block = try PSRDBlockOctets.read(response, limit: WireCoding.limit(forBase64Payload: size))
        } catch {
            note(.badResponse("PSRD block: \(error)"))
            logger.warning("hub \(name) sent a malformed PSRD block: \(error)")
            return false
        }
        guard block.data.count == size else {
            note(.badResponse("PSRD block of \(block.data.count) bytes, asked for \(size)"))
            logger.warning("hub \(name) sent a PSRD block of \(block.data.count) bytes, asked for \(size)")
            return false
        }
        do {
            try await store.addBlock(peer: name, owner: owner, uuid: block.blockUUID, bytes: block.data, source: "oob-http")
        } catch {
            logger.error("storing a PSRD block from hub \(name) failed: \(error)")
            return false
        }
        counters.addPSRD(size, owner: owner)
        logger.debug("PSRD block \(block.blockUUID.lowercased) of \(size) bytes from hub \(name) for the \(owner.rawValue)-owned pool")
        return true
    }

    /// A hub that bounds block sizes answers 400 naming its maximum; later requests stay below it.
    private func learnBlockLimit(from response: PeerResponse, requested: Int) {
        guard response.status == 400, let details = response.error?.details,
              case .number(let max)? = details["max"], let limit = max.integer(), limit > 0, limit < requested else { return }
        blockLimit = limit
    }
}
