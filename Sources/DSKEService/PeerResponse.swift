import DSKECore
import NIOHTTP1

/// What a peer answered: status and raw body (verified when it was a signed 200).
public struct PeerResponse: Sendable {
    public let status: Int
    public let body: [UInt8]
    /// For answers whose form the headers tell (a raw PSRD block).
    public let headers: HTTPHeaders

    public init(status: Int, body: [UInt8], headers: HTTPHeaders = [:]) {
        self.status = status
        self.body = body
        self.headers = headers
    }

    public var isOK: Bool { status == 200 }

    /// The reference error body, when the answer is one.
    public var error: ErrorResponse? {
        guard status != 200 else { return nil }
        return try? WireCoding.decode(ErrorResponse.self, from: body, limit: 64 * 1024)
    }

    /// Decodes a 200 body as `type`.
    public func decode<T: Decodable>(_ type: T.Type, limit: Int = WireCoding.defaultLimit) throws(WireError) -> T {
        try WireCoding.decode(type, from: body, limit: limit)
    }
}
