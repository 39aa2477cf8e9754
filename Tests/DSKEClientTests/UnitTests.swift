@testable import DSKEClient
import DSKECore
import DSKEService
import Foundation
import Testing

@Suite struct AllocationSlicingTests {
    @Test func slicesFollowTheBytesAcrossFragments() throws {
        let a = UUID(), b = UUID()
        let allocation = try Allocation(fragments: [Fragment(blockUUID: a, start: 10, size: 5),
                                                    Fragment(blockUUID: b, start: 0, size: 7)])
        let slices = try allocation.slices(sizes: [3, 4, 5])
        #expect(slices.map(\.size) == [3, 4, 5])
        #expect(slices[0].fragments == [try Fragment(blockUUID: a, start: 10, size: 3)])
        #expect(slices[1].fragments == [try Fragment(blockUUID: a, start: 13, size: 2), try Fragment(blockUUID: b, start: 0, size: 2)])
        #expect(slices[2].fragments == [try Fragment(blockUUID: b, start: 2, size: 5)])
    }

    @Test func sizesThatDoNotCoverTheAllocationAreRefused() throws {
        let allocation = try Allocation(fragments: [Fragment(blockUUID: UUID(), start: 0, size: 8)])
        #expect(throws: PSRDError.self) { try allocation.slices(sizes: [4, 5]) }
        #expect(throws: PSRDError.self) { try allocation.slices(sizes: [8, 0]) }
        #expect(throws: PSRDError.self) { try allocation.slices(sizes: [3]) }
    }
}

@Suite struct BatchingTests {
    @Test func batchesRespectTheCountAndByteLimits() {
        #expect(PeerHub.batches(sizes: Array(repeating: 32, count: 5)) == [0..<5])
        #expect(PeerHub.batches(sizes: Array(repeating: 32, count: KeyShareBatch.maxCount + 1))
                == [0..<KeyShareBatch.maxCount, KeyShareBatch.maxCount..<KeyShareBatch.maxCount + 1])
        let big = ETSILimits.maxBytesPerMessage / 2
        #expect(PeerHub.batches(sizes: [big, big, 1]) == [0..<2, 2..<3])
        #expect(PeerHub.batches(sizes: []) == [])
    }
}

@Suite struct ETSIErrorTests {
    @Test func everyRelayOutcomeHasOneStatus() {
        let id = UUID()
        #expect(ETSIError(.notEnoughHubs(needed: 3, succeeded: 2, causes: ["hank: down"])).status.code == 503)
        #expect(ETSIError(.keysNotFound([id])).status.code == 400)
        #expect(ETSIError(.keysNotFound([id])).body.message == "one or more keys specified are not found on KME")
        #expect(ETSIError(.notAllowed("no")).status.code == 401)
        #expect(ETSIError(.inconsistentShares(id, "digest")).status.code == 503)
        #expect(ETSIError(.internalError("disk")).status.code == 500)
        // The cause of an internal error stays in the log.
        #expect(ETSIError(.internalError("disk /var/x")).body.message == "Internal error.")
    }

    @Test func aRefusalOutranksMissingKeysWhichOutrankUnavailableHubs() {
        let a = UUID(), b = UUID()
        let unavailable = KeyRelayError.notEnoughHubs(needed: 3, succeeded: 1, causes: [])
        #expect(KeyRelay.mostTelling([unavailable, .keysNotFound([a]), .notAllowed("x")]) == .notAllowed("x"))
        #expect(KeyRelay.mostTelling([unavailable, .keysNotFound([a]), .keysNotFound([b])]) == .keysNotFound([a, b]))
        #expect(KeyRelay.mostTelling([unavailable]) == unavailable)
        #expect(KeyRelay.mostTelling([]) == nil)
    }
}

/// The client reads two hub refusals for what they say; these pin the wording it relies on to
/// the code that renders it (SignatureVerifier, ServiceError.fromOwnPool / fromPeerPool).
@Suite struct HubRefusalParsingTests {
    @Test func aReplayFloorRefusalNamesTheBlockAndTheOffset() {
        let block = UUID()
        let floor = PSRDError.belowReplayFloor(block: block, start: 64, size: 32, resumeAt: 2000)
        // As a MAC key (401, the reason in details) and as a pad (400, in the message).
        let signature = ServiceError.invalidSignature("MAC key: \(floor)")
        let pad = ServiceError.fromPeerPool(floor)
        for error in [signature, pad] {
            let parsed = PeerHub.replayFloor(in: error.body)
            #expect(parsed?.0 == block, "\(error)")
            #expect(parsed?.1 == 2000, "\(error)")
        }
        #expect(PeerHub.replayFloor(in: ServiceError.invalidSignature("the tag does not authenticate the message").body) == nil)
    }

    @Test func anExhaustedHubPoolSaysWhatItLacked() {
        let error = ServiceError.fromOwnPool(.exhausted(requested: 96, available: 40))
        #expect(PeerHub.shortage(in: error.body) == (96, 40))
        #expect(PeerHub.shortage(in: ServiceError.psrdExhausted("no idea").body) == (0, 0))
    }
}
