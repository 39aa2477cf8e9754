import DSKECore
import Foundation
import HTTPTypes
import Hummingbird

/// The raw form of a PSRD block answer (simulation mode), an addition to the reference's
/// `GET .../dske/oob/v1/psrd`: a client that sends `Accept: application/octet-stream` gets the
/// block's bytes as the body and its UUID in `DSKE-Block-UUID`, instead of the reference's
/// `{"block_uuid", "data": base64}`. Base64 made a block a third larger, and writing it, scanning
/// the JSON string and decoding it cost 4-5% of the whole network's CPU under batch load
/// (docs/performance.md). A reference hub ignores the `Accept` and answers JSON, which the client
/// still reads; a reference client never asks, and gets JSON.
public enum PSRDBlockOctets {
    public static let contentType = "application/octet-stream"
    public static let uuidHeader = "DSKE-Block-UUID"
    /// What our client sends: the raw form first, JSON (the reference's) as well.
    public static let accept = "application/octet-stream, application/json;q=0.5"

    /// True when an `Accept` header value lists `application/octet-stream` with a q above 0.
    public static func isAccepted(_ accept: String?) -> Bool {
        guard let accept else { return false }
        for range in accept.split(separator: ",") {
            let parameters = range.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard parameters.first?.lowercased() == contentType else { continue }
            let refused = parameters.dropFirst().contains { parameter in
                let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                return pair.count == 2 && pair[0].lowercased() == "q" && (Double(pair[1]) ?? 1) <= 0
            }
            return !refused
        }
        return false
    }

    /// The hub's raw answer.
    public static func response(uuid: UUID, bytes: [UInt8]) -> Response {
        var headers: HTTPFields = [.contentType: contentType]
        headers[HTTPField.Name(uuidHeader)!] = uuid.lowercased
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// A 200 answer to a block request, in either form: the raw one when its content type says
    /// so, else the reference's JSON.
    public static func read(_ response: PeerResponse, limit: Int) throws(WireError) -> PSRDBlockResponse {
        let type = response.headers.first(name: "Content-Type")?.split(separator: ";").first?
            .trimmingCharacters(in: .whitespaces).lowercased()
        guard type == contentType else { return try response.decode(PSRDBlockResponse.self, limit: limit) }
        guard let text = response.headers.first(name: uuidHeader), let uuid = UUID(uuidString: text) else {
            throw .invalidField(field: uuidHeader, reason: "missing or not a UUID in a raw PSRD block")
        }
        return PSRDBlockResponse(blockUUID: uuid, data: response.body)
    }
}
