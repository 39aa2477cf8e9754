import Hummingbird
import NIOCore
import NIOSSL
import X509

/// Establishes `NodeRequestContext.callerIdentity` for every request of a listener: from the
/// verified client certificate on the mutual-TLS listener, from the `Authorization` header on a
/// plain listener (simulation mode). On the TLS listener an `Authorization` header is refused
/// rather than ignored, so a client that believes it picks its identity learns it does not.
public struct CallerIdentityMiddleware: RouterMiddleware {
    public typealias Context = NodeRequestContext

    /// nil: plain HTTP, simulation mode.
    private let certificates: CertificateIdentityMap?

    public init(certificates: CertificateIdentityMap?) {
        self.certificates = certificates
    }

    public func handle(_ request: Request, context: Context,
                       next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        // Simulation mode, every request of a node: no suspension, no Foundation trimming of a
        // header that has nothing to trim.
        context.callerIdentity = certificates == nil ? .claimed(Self.authorization(request)) : await identity(request, context)
        return try await next(request, context)
    }

    /// The `Authorization` header without surrounding whitespace.
    static func authorization(_ request: Request) -> String? {
        guard let header = request.headers[.authorization] else { return nil }
        let utf8 = header.utf8
        func isPlain(_ byte: UInt8?) -> Bool { byte.map { $0 > 0x20 && $0 < 0x7F } ?? false }
        if isPlain(utf8.first), isPlain(utf8.last) { return header }
        return header.trimmingCharacters(in: .whitespaces)
    }

    private func identity(_ request: Request, _ context: Context) async -> CallerIdentity {
        let header = Self.authorization(request)
        guard let certificates else { return .claimed(header) }
        if header != nil {
            return .refused("The Authorization header cannot name the caller on a mutual-TLS interface: the client certificate does.")
        }
        let peer: NIOSSLCertificate?
        do {
            peer = try await context.channel.nioSSL_peerCertificate().get()
        } catch {
            return .refused("The TLS session of this request is not available.")
        }
        guard let peer else { return .refused("A client certificate is required.") }
        let certificate: Certificate
        do {
            certificate = try Certificate(derEncoded: try peer.toDERBytes())
        } catch {
            return .refused("The client certificate cannot be parsed.")
        }
        switch certificates.sae(for: certificate) {
        case .success(let sae): return .certified(sae: sae)
        case .failure(let error): return .refused(error.message)
        }
    }
}
