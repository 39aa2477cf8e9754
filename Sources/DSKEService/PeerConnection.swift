import AsyncHTTPClient
import DSKECore
import Foundation
import NIOCore
import NIOHTTP1
import PSRDStore

/// Requests from this node to one peer node (a client to a hub, or the reverse), over the
/// process-wide keep-alive pool. Signed requests carry a DSKE-Signature keyed from this node's OWN
/// pool with the peer; a signed request's 200 answer must carry one keyed from the PEER pool, and
/// is verified before it is returned (its MAC key consumed only when valid).
public struct PeerConnection: Sendable {
    /// e.g. `http://127.0.0.1:8100/hub/hank` (no trailing slash).
    public let baseURL: String
    /// The peer's name: selects the pools in the store.
    public let peer: String
    public let signer: MessageSigner
    public let verifier: SignatureVerifier
    public let timeout: Duration
    private let client: HTTPClient

    public init(baseURL: String, peer: String, store: NodeStore, authenticator: MessageAuthenticator,
                timeout: Duration = .seconds(10), client: HTTPClient = DSKEHTTPClient.shared) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.peer = peer
        self.signer = MessageSigner(store: store, authenticator: authenticator)
        self.verifier = SignatureVerifier(store: store, authenticator: authenticator, limiter: nil)
        self.timeout = timeout
        self.client = client
    }

    /// Sends a request. `query` is encoded here (form encoding, parameters in the given order)
    /// and the exact bytes sent are the bytes signed. `path` is appended to `baseURL` and starts
    /// with '/'. `accept`, when given, is sent as the `Accept` header.
    public func send(_ method: HTTPMethod, path: String, query: [(String, String)] = [], body: [UInt8]? = nil,
                     signed: Bool, accept: String? = nil,
                     responseLimit: Int = WireCoding.defaultLimit) async throws(PeerConnectionError) -> PeerResponse {
        let rawQuery = query.isEmpty ? nil : Self.formEncode(query)
        var request = HTTPClientRequest(url: baseURL + path + (rawQuery.map { "?" + $0 } ?? ""))
        request.method = method
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        if let accept { request.headers.add(name: "Accept", value: accept) }
        if signed {
            do {
                let signature = try await signer.signRequest(peer: peer, rawQuery: rawQuery, body: body ?? [])
                request.headers.add(name: DSKESignature.headerName, value: signature.headerValue)
            } catch {
                throw .signing(error)
            }
        }
        let status: Int
        let bytes: [UInt8]
        let signatureHeader: String?
        let headers: HTTPHeaders
        do {
            let response = try await client.execute(request, timeout: .nanoseconds(Self.nanoseconds(timeout)))
            status = Int(response.status.code)
            headers = response.headers
            signatureHeader = headers.first(name: DSKESignature.headerName)
            let buffer = try await response.body.collect(upTo: responseLimit)
            bytes = Array(buffer.readableBytesView)
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            throw .timeout
        } catch is NIOTooManyBytesError {
            throw .responseTooLarge(limit: responseLimit)
        } catch {
            throw .transport(String(describing: error))
        }
        if signed && status == 200 {
            do {
                try await verifier.verifyResponse(peer: peer, headerValue: signatureHeader, body: bytes)
            } catch .missingSignature {
                throw .missingResponseSignature
            } catch {
                throw .invalidResponseSignature(error.description)
            }
        }
        return PeerResponse(status: status, body: bytes, headers: headers)
    }

    /// `application/x-www-form-urlencoded` as Python's urlencode writes it for these values:
    /// unreserved characters as they are, everything else percent-encoded (space as %20, which
    /// every server decodes the same way as '+').
    public static func formEncode(_ parameters: [(String, String)]) -> String {
        parameters.map { percentEncode($0.0) + "=" + percentEncode($0.1) }.joined(separator: "&")
    }

    static func percentEncode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                 UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                out += "%" + String(decoding: [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]], as: UTF8.self)
            }
        }
        return out
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
