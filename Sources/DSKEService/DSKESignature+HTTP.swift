import DSKECore
import HTTPTypes
import Hummingbird

extension DSKESignature {
    /// The header's name as an HTTP field name.
    public static let fieldName = HTTPField.Name(headerName)!
}

extension Request {
    /// The raw `DSKE-Signature` header value, if present.
    public var dskeSignature: String? { headers[DSKESignature.fieldName] }
}

extension JSONResponse {
    /// A 200 `application/json` answer carrying `body` and its `DSKE-Signature`.
    public static func signed(bytes: [UInt8], signature: DSKESignature) -> Response {
        make(bytes: bytes, headers: [DSKESignature.fieldName: signature.headerValue])
    }
}
