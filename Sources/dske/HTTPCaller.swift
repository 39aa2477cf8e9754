import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL

/// One HTTP exchange as the commands need it: status and body, with transport failures turned
/// into one-line errors that name the node.
struct HTTPReply: Sendable {
    let status: Int
    let body: Data

    /// The `message` of a JSON error body (reference and ETSI style), or the start of the body.
    var errorMessage: String {
        struct ErrorBody: Decodable { let message: String }
        if let decoded = try? JSONDecoder().decode(ErrorBody.self, from: body) { return decoded.message }
        let text = String(decoding: body.prefix(200), as: UTF8.self)
        return text.isEmpty ? "no body" : text
    }
}

struct HTTPCaller: Sendable {
    let client: HTTPClient

    init(client: HTTPClient = .shared) {
        self.client = client
    }

    /// One exchange over HTTPS with a client certificate: a client of its own for the call (a
    /// command makes a call or two), shut down afterwards.
    func send(
        _ method: HTTPMethod, _ url: String, tls: TLSConfiguration, headers: [(String, String)] = [], body: Data? = nil,
        timeout: Duration = .seconds(30), target: String
    ) async throws(CLIError) -> HTTPReply {
        var configuration = HTTPClient.Configuration()
        configuration.tlsConfiguration = tls
        let secure = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let result: Result<HTTPReply, CLIError>
        do {
            result = .success(try await HTTPCaller(client: secure).send(method, url, headers: headers, body: body, timeout: timeout, target: target))
        } catch {
            result = .failure(error)
        }
        try? await secure.shutdown()
        return try result.get()
    }

    func send(
        _ method: HTTPMethod, _ url: String, headers: [(String, String)] = [], body: Data? = nil,
        timeout: Duration = .seconds(30), target: String
    ) async throws(CLIError) -> HTTPReply {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        do {
            let response = try await client.execute(request, timeout: .milliseconds(Int64(timeout / .milliseconds(1))))
            let buffer = try await response.body.collect(upTo: 64 * 1024 * 1024)
            return HTTPReply(status: Int(response.status.code), body: Data(buffer.readableBytesView))
        } catch {
            throw CLIError(.failure, "cannot reach \(target) at \(url): \(Self.describe(error))")
        }
    }

    /// Short words for the usual transport failures instead of NIO's type dumps.
    static func describe(_ error: any Error) -> String {
        let text = String(describing: error)
        if text.contains("connectTimeout") || text.contains("deadlineExceeded") { return "timed out" }
        if text.contains("Connection refused") || text.contains("connectionRefused") || text.contains("ECONNREFUSED") {
            return "connection refused (is it running?)"
        }
        if let error = error as? HTTPClientError, error == .remoteConnectionClosed { return "connection closed" }
        if let error = error as? NIOSSLError { return "TLS handshake failed: \(error)" }
        if let error = error as? BoringSSLError { return "TLS handshake failed: \(error)" }
        return text
    }
}
