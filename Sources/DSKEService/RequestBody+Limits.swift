import Hummingbird
import NIOCore

extension RequestBody {
    /// Limit for the one-share DSKE messages and every other small body: a one-share message is a
    /// few hundred bytes for the reference's key sizes, and the share of the largest allowed key
    /// (16,777,216 bits) is 2 MiB, 2.7 MiB as base64.
    public static let defaultLimit = 4 << 20
}

extension Request {
    /// The raw body bytes, refusing more than `limit` bytes with 413 (checked against
    /// Content-Length first, so an oversized body is not read at all).
    public func collectBytes(limit: Int) async throws(ServiceError) -> [UInt8] {
        if let declared = headers[.contentLength].flatMap(Int.init), declared > limit {
            throw .payloadTooLarge(limit: limit)
        }
        do {
            let buffer = try await body.collect(upTo: limit)
            return Array(buffer.readableBytesView)
        } catch is NIOTooManyBytesError {
            throw .payloadTooLarge(limit: limit)
        } catch {
            throw .badRequest("Could not read the request body.")
        }
    }
}
