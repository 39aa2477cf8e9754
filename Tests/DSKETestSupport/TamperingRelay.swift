import AsyncHTTPClient
import DSKECore
import DSKEService
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1

/// What a compromised hub can do, for the tests of the client (`TamperingProxy`) and of the whole
/// network (`TamperingHub`): forward every request to the real hub and, given the hub's signer
/// (which holds its store), flip a bit of every share it hands to a client and sign the altered
/// answer with fresh PSRD of the hub's own pool. The client cannot tell from the signature; only
/// the reconstruction can. Without a signer it is an honest relay.
public enum TamperingRelay {
    /// Forwards `request` to `upstream` (`http://host:port`) and returns the answer, altered when
    /// `signer` is given. `hidesPacking`: answers the capabilities probe as a hub that predates
    /// the packed form.
    public static func forward(_ request: Request, upstream: String, signer: MessageSigner?,
                               hidesPacking: Bool = false) async throws -> Response {
        var outgoing = HTTPClientRequest(url: upstream + request.uri.description)
        outgoing.method = HTTPMethod(rawValue: request.method.rawValue)
        for field in request.headers where field.name == .contentType || field.name.canonicalName == "dske-signature" {
            outgoing.headers.add(name: field.name.rawName, value: field.value)
        }
        let body = try await request.body.collect(upTo: 16 << 20)
        if body.readableBytes > 0 { outgoing.body = .bytes(body) }
        let answer = try await DSKEHTTPClient.shared.execute(outgoing, timeout: .seconds(10))
        var bytes = Array(try await answer.body.collect(upTo: 64 << 20).readableBytesView)
        var headers: HTTPFields = [:]
        if let type = answer.headers.first(name: "Content-Type") { headers[.contentType] = type }
        var signature = answer.headers.first(name: DSKESignature.headerName)
        let path = request.uri.path
        if hidesPacking, path.hasSuffix("/dske/api/v1/capabilities"),
           let capabilities = try? WireCoding.decode(CapabilitiesResponse.self, from: bytes) {
            bytes = WireCoding.encode(CapabilitiesResponse(batch: capabilities.batch, delete: capabilities.delete,
                                                           resume: capabilities.resume, multi: capabilities.multi))
        }
        if answer.status == .ok, let signer, let client = clientName(request, body: body),
           let altered = tampered(bytes, path: path, method: request.method) {
            bytes = altered
            signature = try await signer.signResponse(peer: client, body: bytes).headerValue
        }
        if let signature { headers[HTTPField.Name(DSKESignature.headerName)!] = signature }
        return Response(status: .init(code: Int(answer.status.code)), headers: headers,
                        body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// The answer with every share altered, for the share answers; nil for any other.
    static func tampered(_ bytes: [UInt8], path: String, method: HTTPRequest.Method) -> [UInt8]? {
        if path.hasSuffix("/dske/api/v1/key-share"), method == .get,
           let share = try? WireCoding.decode(GetKeyShareResponse.self, from: bytes) {
            return WireCoding.encode(GetKeyShareResponse(shareIndex: share.shareIndex,
                                                         encryptionKeyAllocation: share.encryptionKeyAllocation,
                                                         encryptedShareValue: flip(share.encryptedShareValue)))
        }
        if path.hasSuffix("/dske/api/v1/key-shares/fetch"),
           let batch = try? WireCoding.decode(FetchKeySharesResponse.self, from: bytes) {
            // In the form the hub answered: packed answers take the client's packed path.
            return WireCoding.encode(FetchKeySharesResponse(shares: flip(batch.shares), packed: batch.packed != nil))
        }
        if path.hasSuffix("/dske/api/v1/key-shares/fetch-multi"),
           let multi = try? WireCoding.decode(KeySharesMultiResponse.self, from: bytes) {
            return WireCoding.encode(KeySharesMultiResponse(outcomes: multi.outcomes.map {
                KeySharesOutcome(status: $0.status, error: $0.error, shares: $0.shares.map(flip), packed: $0.packed != nil)
            }))
        }
        return nil
    }

    private static func flip(_ shares: [BatchKeyShare]) -> [BatchKeyShare] {
        shares.map {
            BatchKeyShare(userKeyID: $0.userKeyID, shareIndex: $0.shareIndex, encryptionKeyAllocation: $0.encryptionKeyAllocation,
                          encryptedShareValue: flip($0.encryptedShareValue))
        }
    }

    /// The padded share XOR 1 is the share XOR 1 once the client removes the pad.
    private static func flip(_ value: [UInt8]) -> [UInt8] {
        var value = value
        if !value.isEmpty { value[0] ^= 0x01 }
        return value
    }

    private static func clientName(_ request: Request, body: ByteBuffer) -> String? {
        if let name = request.uri.queryParameters.get("client_name") { return name }
        if case .object(let object)? = try? WireCoding.parse(Array(body.readableBytesView)),
           case .string(let name)? = object["client_name"] { return name }
        return nil
    }
}
