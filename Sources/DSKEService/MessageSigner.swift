import DSKECore
import PSRDStore

/// Signs outgoing DSKE messages: allocates a fresh MAC key from this node's OWN pool with the peer
/// and tags the message with it. Requests are tagged over (raw query bytes after '?') || (raw
/// body bytes), responses over the raw body bytes, as the reference does.
public struct MessageSigner: Sendable {
    public let store: NodeStore
    public let authenticator: MessageAuthenticator

    public init(store: NodeStore, authenticator: MessageAuthenticator) {
        self.store = store
        self.authenticator = authenticator
    }

    /// The signature of the concatenated `parts`. Each call consumes `MessageAuthenticator.keySize`
    /// bytes of the own pool, whatever happens to the message afterwards.
    public func sign(peer: String, parts: [[UInt8]]) async throws(ServiceError) -> DSKESignature {
        let allocation: Allocation
        let key: [UInt8]
        do {
            (allocation, key) = try await store.allocate(peer: peer, size: MessageAuthenticator.keySize)
        } catch {
            throw ServiceError.fromOwnPool(error)
        }
        defer { SecretBytes.wipe(key) }
        return DSKESignature(allocation: allocation, tag: authenticator.tag(key: key, message: parts))
    }

    /// Signs a request: the tag covers the raw query (without '?') then the raw body.
    public func signRequest(peer: String, rawQuery: String?, body: [UInt8]) async throws(ServiceError) -> DSKESignature {
        try await sign(peer: peer, parts: [Array((rawQuery ?? "").utf8), body])
    }

    /// Signs a response body.
    public func signResponse(peer: String, body: [UInt8]) async throws(ServiceError) -> DSKESignature {
        try await sign(peer: peer, parts: [body])
    }
}
