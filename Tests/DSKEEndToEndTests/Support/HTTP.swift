import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A plain HTTP exchange from a test, as a peer or an encryptor would make it.
struct HTTPResult: Sendable, CustomStringConvertible {
    let status: Int
    let headers: [(String, String)]
    let body: Data

    var text: String { String(decoding: body, as: UTF8.self) }
    var json: Any? { try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]) }
    var object: [String: Any]? { json as? [String: Any] }
    func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
    var description: String { "HTTP \(status) \(text.prefix(400))" }

    /// A JSON error body as the reference and ETSI 014 define it: an object with a string message.
    var isJSONError: Bool {
        guard let object, object["message"] is String else { return false }
        return header("Content-Type")?.contains("application/json") ?? false
    }
}

enum HTTP {
    static func send(_ method: HTTPMethod, _ url: String, headers: [(String, String)] = [],
                     body: Data? = nil, timeout: Duration = .seconds(60)) async throws -> HTTPResult {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .milliseconds(Int64(timeout / .milliseconds(1))))
        let buffer = try await response.body.collect(upTo: 64 << 20)
        return HTTPResult(status: Int(response.status.code),
                          headers: response.headers.map { ($0.name, $0.value) },
                          body: Data(buffer.readableBytesView))
    }

    static func get(_ url: String, headers: [(String, String)] = []) async throws -> HTTPResult {
        try await send(.GET, url, headers: headers)
    }

    static func post(_ url: String, json: String, headers: [(String, String)] = []) async throws -> HTTPResult {
        try await send(.POST, url, headers: headers + [("Content-Type", "application/json")], body: Data(json.utf8))
    }
}
