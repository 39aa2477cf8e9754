import DSKECore
import DSKEService
import Hummingbird

/// The resume extension: after a client's crash, the hub allocates beyond the client's replay
/// window (see `ResumeRequest`).
extension HubService {
    /// `POST resume`: skips the hub's own cursor in the named blocks, then answers a signed `null`
    /// keyed from beyond those points. Only moves forward; blocks the hub no longer holds (used up)
    /// are ignored. Costs the hub the skipped bytes only, and only for an authenticated client.
    func resume(_ request: Request, _ context: NodeRequestContext) async throws -> Response {
        let body = try await request.collectBytes(limit: Self.emptyBodyLimit * 4)
        let value = try Self.parse(body, limit: Self.emptyBodyLimit * 4)
        let client = try Self.stringMember(value, "client_name")
        try await authenticate(client: client, request: request, context: context, body: body)
        let message = try Self.decode(ResumeRequest.self, from: value)
        for point in message.blocks {
            do {
                try await store.skip(peer: client, block: point.blockUUID, to: point.offset)
            } catch .unknownBlock {
                continue
            } catch {
                throw ServiceError.fromOwnPool(error)
            }
        }
        logger.warning("client \(client) restarted: skipped the hub-owned PSRD of \(message.blocks.count) block(s) to its replay window")
        return try await signedResponse(client: client, body: WireCoding.nullBody)
    }
}
