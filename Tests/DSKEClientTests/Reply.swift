import AsyncHTTPClient
import DSKECore
import DSKEService
import NIOCore
import NIOHTTP1

/// An HTTP answer as the wire carried it.
struct Reply: Sendable, CustomStringConvertible {
    let status: Int
    let headers: HTTPHeaders
    let body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }
    var json: JSONValue? { try? WireCoding.parse(body) }
    var object: JSONObject? {
        if case .object(let object)? = json { return object }
        return nil
    }

    /// The ETSI Error body: JSON content type, a string `message`, and `details` absent or an
    /// array of objects.
    var isETSIError: Bool {
        guard headers.first(name: "Content-Type")?.hasPrefix("application/json") == true,
              let object, case .string? = object["message"] else { return false }
        switch object["details"] {
        case nil: return true
        case .array(let items)?: return items.allSatisfy { if case .object = $0 { true } else { false } }
        default: return false
        }
    }

    /// Any JSON error body with a `message` (the DSKE one for router-level 404/405).
    var isJSONError: Bool {
        guard headers.first(name: "Content-Type")?.hasPrefix("application/json") == true,
              let object, case .string? = object["message"] else { return false }
        return true
    }

    var message: String? {
        if case .string(let message)? = object?["message"] { return message }
        return nil
    }

    var description: String { "\(status) \(text.prefix(400))" }

    /// The keys of an ETSI Key container.
    func keys() throws -> ETSIKeyContainer {
        try WireCoding.decode(ETSIKeyContainer.self, from: body)
    }
}

enum RawHTTP {
    static func send(_ method: HTTPMethod, _ url: String, headers: [(String, String)] = [], body: [UInt8]? = nil) async throws -> Reply {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await DSKEHTTPClient.shared.execute(request, timeout: .seconds(30))
        let buffer = try await response.body.collect(upTo: 64 << 20)
        return Reply(status: Int(response.status.code), headers: response.headers, body: Array(buffer.readableBytesView))
    }
}
