import DSKECore
import DSKEService
import Foundation
import Testing

/// Signing from the own pool, verification against the peer pool: a failed check consumes
/// nothing, a good one consumes exactly the MAC key, a replay is refused.
@Suite struct SigningTests {
    let authenticator = MessageAuthenticator(kind: .hmacSHA256)

    @Test func aValidSignatureConsumesExactlyItsKeyOnBothSides() async throws {
        let pair = try await PairedStores.make()
        defer { Task { await pair.remove() } }
        let signer = MessageSigner(store: pair.client, authenticator: authenticator)
        let verifier = SignatureVerifier(store: pair.hub, authenticator: authenticator, limiter: nil)
        let body = Array(#"{"a":1}"#.utf8)
        let before = await pair.levels()
        let signature = try await signer.signRequest(peer: "hank", rawQuery: "x=1", body: body)
        try await verifier.verifyRequest(peer: "carol", address: "", headerValue: signature.headerValue, rawQuery: "x=1", body: body)
        let after = await pair.levels()
        #expect(zip(before, after).map { $0 - $1 } == [32, 0, 0, 32])
        // The same header again: its key is used.
        await #expect(throws: ServiceError.self) {
            try await verifier.verifyRequest(peer: "carol", address: "", headerValue: signature.headerValue, rawQuery: "x=1", body: body)
        }
    }

    @Test func failedChecksConsumeNothing() async throws {
        let pair = try await PairedStores.make()
        defer { Task { await pair.remove() } }
        let signer = MessageSigner(store: pair.client, authenticator: authenticator)
        let limiter = FailureLimiter(maxFailures: 100)
        let verifier = SignatureVerifier(store: pair.hub, authenticator: authenticator, limiter: limiter)
        let body = Array("payload".utf8)
        let signature = try await signer.signRequest(peer: "hank", rawQuery: nil, body: body)
        let hubPeerBefore = await pair.hub.unusedBytes(peer: "carol", owner: .client)

        var forgedTag = signature.tag
        forgedTag[31] ^= 0x80
        let bigger = try Allocation(fragments: [try Fragment(blockUUID: signature.allocation.fragments[0].blockUUID, start: 1000, size: 64)])
        let unknown = try Allocation(fragments: [try Fragment(blockUUID: UUID(), start: 0, size: 32)])
        let attempts: [(String?, [UInt8])] = [
            (nil, body),
            ("", body),
            ("nonsense", body),
            (DSKESignature(allocation: signature.allocation, tag: forgedTag).headerValue, body),
            (signature.headerValue, Array("payloaD".utf8)),
            (DSKESignature(allocation: bigger, tag: signature.tag).headerValue, body),
            (DSKESignature(allocation: unknown, tag: signature.tag).headerValue, body),
            (DSKESignature(allocation: signature.allocation, tag: Array(signature.tag.prefix(16))).headerValue, body),
        ]
        for (header, message) in attempts {
            await #expect(throws: ServiceError.self, "\(header ?? "nil")") {
                try await verifier.verifyRequest(peer: "carol", address: "a", headerValue: header, rawQuery: nil, body: message)
            }
        }
        #expect(await pair.hub.unusedBytes(peer: "carol", owner: .client) == hubPeerBefore)
        #expect(await limiter.failureCount(.init(peer: "carol", address: "a")) == attempts.count)
        // Missing is told apart from invalid.
        await #expect(throws: ServiceError.missingSignature) {
            try await verifier.verifyRequest(peer: "carol", address: "b", headerValue: nil, rawQuery: nil, body: body)
        }
        // The genuine message still passes: its key was never burnt.
        try await verifier.verifyRequest(peer: "carol", address: "a", headerValue: signature.headerValue, rawQuery: nil, body: body)
    }

    @Test func theReferenceSeparatorAndTheProseSeparatorBothVerify() async throws {
        let pair = try await PairedStores.make()
        defer { Task { await pair.remove() } }
        let signer = MessageSigner(store: pair.client, authenticator: authenticator)
        let verifier = SignatureVerifier(store: pair.hub, authenticator: authenticator, limiter: nil)
        let signature = try await signer.signRequest(peer: "hank", rawQuery: "q", body: [])
        #expect(signature.headerValue.contains("%"))
        let semicolon = signature.headerValue.replacingOccurrences(of: "%", with: ";")
        try await verifier.verifyRequest(peer: "carol", address: "", headerValue: semicolon, rawQuery: "q", body: [])
    }

    @Test func anExhaustedOwnPoolIs503() async throws {
        let pair = try await PairedStores.make(bytes: 40)
        defer { Task { await pair.remove() } }
        let signer = MessageSigner(store: pair.client, authenticator: authenticator)
        _ = try await signer.signResponse(peer: "hank", body: [])
        await #expect(throws: ServiceError.psrdExhausted("32 bytes needed, 8 available")) {
            _ = try await signer.signResponse(peer: "hank", body: [])
        }
    }
}
