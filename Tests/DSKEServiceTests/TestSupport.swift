import DSKECore
import DSKEService
import Foundation
import Hummingbird
import Logging
import PSRDStore

/// Two stores holding the same PSRD, as a client and a hub would after the out-of-band exchange:
/// `clientBlock` is the pool the client allocates from, `hubBlock` the one the hub allocates from.
struct PairedStores: Sendable {
    let directory: String
    let client: NodeStore
    let hub: NodeStore

    static func make(bytes: Int = 4096) async throws -> PairedStores {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dske-service-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let client = try await NodeStore(directory: directory + "/carol", localRole: .client)
        let hub = try await NodeStore(directory: directory + "/hank", localRole: .hub)
        for owner in PoolOwner.allCases {
            let uuid = UUID(), data = SecureRandom.bytes(bytes)
            try await client.addBlock(peer: "hank", owner: owner, uuid: uuid, bytes: data)
            try await hub.addBlock(peer: "carol", owner: owner, uuid: uuid, bytes: data)
        }
        return PairedStores(directory: directory, client: client, hub: hub)
    }

    /// Unused bytes: (client's own, client's peer, hub's own, hub's peer).
    func levels() async -> [Int] {
        [await client.unusedBytes(peer: "hank", owner: .client), await client.unusedBytes(peer: "hank", owner: .hub),
         await hub.unusedBytes(peer: "carol", owner: .hub), await hub.unusedBytes(peer: "carol", owner: .client)]
    }

    func remove() async {
        try? await client.close()
        try? FileManager.default.removeItem(atPath: directory)
    }
}

struct Boom: Error {}

/// A node with a few routes that exercise the service plumbing: a signed echo, a response
/// tampered after signing, and routes that fail in the ways real handlers can.
struct EchoService: NodeService {
    let signer: MessageSigner
    let verifier: SignatureVerifier

    init(store: NodeStore) {
        let authenticator = MessageAuthenticator(kind: .hmacSHA256)
        signer = MessageSigner(store: store, authenticator: authenticator)
        verifier = SignatureVerifier(store: store, authenticator: authenticator, limiter: FailureLimiter(maxFailures: 100))
    }

    func routes() -> [Route] {
        [
            Route(.post, "/hub/hank/echo") { request, context in
                let body = try await request.collectBytes(limit: 1024)
                try await verifier.verifyRequest(peer: "carol", address: context.remoteHost, headerValue: request.dskeSignature,
                                                 rawQuery: request.uri.query, body: body)
                return JSONResponse.signed(bytes: body, signature: try await signer.signResponse(peer: "carol", body: body))
            },
            Route(.post, "/hub/hank/tampered") { request, _ in
                let body = try await request.collectBytes(limit: 1024)
                let signature = try await signer.signResponse(peer: "carol", body: body)
                return JSONResponse.signed(bytes: body + Array(" ".utf8), signature: signature)
            },
            Route(.post, "/hub/hank/unsigned") { _, _ in JSONResponse.make(bytes: Array("null".utf8)) },
            Route(.get, "/hub/hank/boom") { _, _ in throw Boom() },
            Route(.get, "/hub/hank/decoding") { _, _ in
                _ = try JSONDecoder().decode([Int].self, from: Data("{".utf8))
                return JSONResponse.make(bytes: [])
            },
            Route(.put, "/hub/hank/small") { request, _ in
                JSONResponse.make(bytes: try await request.collectBytes(limit: 16))
            },
        ]
    }

    func status() async -> JSONObject { ["ready": true] }

    func runBackground() async {}
}
