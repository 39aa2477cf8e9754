import DSKECore
import Logging
import PSRDStore

/// Checks incoming DSKE signatures against the PEER pool (the pool the sender allocates from).
///
/// The MAC key is read without being consumed, the tag compared in constant time, and only a
/// valid tag consumes the key (atomically: a replayed or concurrent duplicate finds it used). A
/// failed check therefore burns no PSRD, so a sender without our PSRD cannot drain it, and the
/// genuine peer's next message still finds its key unused. Failures are counted per peer and
/// address by a `FailureLimiter`, which answers 429 before any PSRD is looked at.
public struct SignatureVerifier: Sendable {
    public let store: NodeStore
    public let authenticator: MessageAuthenticator
    public let limiter: FailureLimiter?
    private let logger: Logger

    public init(store: NodeStore, authenticator: MessageAuthenticator, limiter: FailureLimiter?,
                logger: Logger = Logger(label: "dske.signature")) {
        self.store = store
        self.authenticator = authenticator
        self.limiter = limiter
        self.logger = logger
    }

    /// Verifies a request from `peer` (reached from `address`): the tag must cover the raw query
    /// then the raw body. Consumes the MAC key only on success.
    /// `address` is evaluated only when the limiter needs it (after a failure).
    public func verifyRequest(peer: String, address: @autoclosure () -> String, headerValue: String?, rawQuery: String?,
                              body: [UInt8]) async throws(ServiceError) {
        try await verify(peer: peer, address: address(), headerValue: headerValue,
                         parts: [Array((rawQuery ?? "").utf8), body])
    }

    /// Verifies a response body from `peer`.
    public func verifyResponse(peer: String, headerValue: String?, body: [UInt8]) async throws(ServiceError) {
        try await verify(peer: peer, address: "", headerValue: headerValue, parts: [body])
    }

    public func verify(peer: String, address: @autoclosure () -> String, headerValue: String?,
                       parts: [[UInt8]]) async throws(ServiceError) {
        if let limiter, limiter.mayBlock { try await limiter.check(FailureLimiter.Key(peer: peer, address: address())) }
        do {
            try await check(peer: peer, headerValue: headerValue, parts: parts)
        } catch {
            if case .internalError = error { throw error }
            let address = address()
            await limiter?.recordFailure(FailureLimiter.Key(peer: peer, address: address))
            logger.warning("signature check failed", metadata: ["peer": "\(peer)", "address": "\(address)", "reason": "\(error)"])
            throw error
        }
    }

    private func check(peer: String, headerValue: String?, parts: [[UInt8]]) async throws(ServiceError) {
        guard let headerValue else { throw .missingSignature }
        let signature: DSKESignature
        do {
            signature = try DSKESignature(headerValue: headerValue)
        } catch {
            throw .invalidSignature("\(error)")
        }
        guard signature.allocation.size == MessageAuthenticator.keySize else {
            throw .invalidSignature("MAC key allocation covers \(signature.allocation.size) bytes, expected \(MessageAuthenticator.keySize)")
        }
        let authenticator = authenticator
        let taken: [UInt8]?
        do {
            taken = try await store.take(peer: peer, allocation: signature.allocation) { macKey in
                authenticator.isValid(tag: signature.tag, key: macKey, message: parts)
            }
        } catch {
            throw Self.refusal(error)
        }
        guard let taken else { throw .invalidSignature("the tag does not authenticate the message") }
        SecretBytes.wipe(taken)
    }

    /// Unknown, used or out-of-range MAC key bytes make the signature invalid (401); only a
    /// storage fault of this node is a 500.
    private static func refusal(_ error: PSRDError) -> ServiceError {
        if case .storage = error { return .fromPeerPool(error) }
        return .invalidSignature("MAC key: \(error)")
    }
}
