import DSKECore
import Hummingbird

/// Builds `application/json` responses from bytes the caller has already encoded, so that the
/// bytes that were signed are exactly the bytes that go on the wire.
public enum JSONResponse {
    public static func make(status: HTTPResponse.Status = .ok, bytes: [UInt8], headers extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        headers.append(contentsOf: extra)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    public static func make(status: HTTPResponse.Status = .ok, body: some WireMessage) -> Response {
        make(status: status, bytes: WireCoding.encode(body))
    }
}
