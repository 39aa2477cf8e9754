import DSKECore
import DSKEService
import Foundation
import NIOHTTP1
import PSRDStore

/// After this client restarts from a crash it counts the hub-owned PSRD it may have taken before
/// the crash as used (its replay window, or whole blocks retired as used), so it would refuse
/// every answer the hub keys from those ranges. The resume extension (`POST .../resume`) tells the
/// hub where to allocate from: where each window ends, once per start before the first share
/// message, and past any block the hub keys an answer from that this client does not hold.
extension PeerHub {
    func resumeIfNeeded() async {
        guard !resumed, isUsable else { return }
        if let running = resuming { return await running.value }
        let task = Task { await self.resumeAfterRestart() }
        resuming = task
        await task.value
        resuming = nil
    }

    private func resumeAfterRestart() async {
        let floors = await store.restartFloors(peer: name)
        guard !floors.isEmpty else {
            resumed = true
            return
        }
        guard await currentCapabilities().resume else {
            logger.warning("hub \(name) cannot be told where this client resumed after its restart: its answers keyed from \(floors.count) block(s) will be refused until it allocates past them")
            resumed = true
            return
        }
        if await tellHub(floors.map { ResumePoint(blockUUID: $0.block, offset: $0.offset) }) {
            resumed = true
            logger.info("told hub \(name) where this client resumed in \(floors.count) hub-owned block(s)")
        }
    }

    /// Asks the hub to allocate nothing more from `block`, a hub-owned block this client does not
    /// hold (the hub clamps the offset to the block's end).
    func leave(block: UUID) async -> Bool {
        guard await currentCapabilities().resume else { return false }
        guard await tellHub([ResumePoint(blockUUID: block, offset: Self.wholeBlock)]) else { return false }
        logger.warning("hub \(name) used hub-owned PSRD block \(block.lowercased), which this client does not hold: told it to leave the block")
        return true
    }

    /// Past the end of any block: `ResumePoint` offsets are bounded by Int32.max.
    static let wholeBlock = Int(Int32.max)

    /// Sends the resume points, a bounded number per message. The hub moves its cursors before it
    /// signs its answer; an answer keyed from yet another block this client lacks adds that block
    /// to the next message.
    private func tellHub(_ points: [ResumePoint]) async -> Bool {
        let mac = MessageAuthenticator.keySize
        // After a crash the client-owned pool also resumed beyond its marks and may be empty.
        guard await ensure(.client, bytes: mac), await ensure(.hub, bytes: mac) else {
            logger.warning("telling hub \(name) where to allocate must wait for PSRD")
            return false
        }
        var pending = points
        var detours = 0
        while !pending.isEmpty {
            let chunk = Array(pending.prefix(Allocation.maxFragments))
            let body = WireCoding.encode(ResumeRequest(clientName: settings.name, blocks: chunk))
            var failure: HubFailure?
            do {
                let response = try await send(.POST, path: "/dske/api/v1/resume", body: body, signed: true,
                                              responseLimit: 4096, countsAsShareMessage: false)
                if !response.isOK { failure = fail(classify(response)) }
            } catch {
                failure = error
            }
            switch failure {
            case nil:
                pending.removeFirst(chunk.count)
            case .unknownHubBlock(let block)? where detours < 8 && !chunk.contains(where: { $0.blockUUID == block }):
                // The hub applied this message before it signed; the block it signed from is next.
                detours += 1
                pending.removeFirst(chunk.count)
                pending.insert(ResumePoint(blockUUID: block, offset: Self.wholeBlock), at: 0)
            case let failure?:
                logger.warning("telling hub \(name) where to allocate failed: \(failure)")
                return false
            }
        }
        return true
    }
}
