import AsyncHTTPClient
import Courier
import DSKECore
import DSKEConfig
import Foundation
import NIOCore

/// The client side of a running node's `POST /{role}/{name}/mgmt/v1/import` (NodeImportRequest):
/// loopback HTTP to the node's port from the configuration.
struct NodeImportClient: Sendable {
    let url: String
    let node: String

    init(host: String, node: NodeConfiguration) {
        // The route answers on loopback only; a node listening on every address is reached there.
        let address = host == "0.0.0.0" || host == "::" ? "127.0.0.1" : host
        let role: PoolOwner = node.role == .hub ? .hub : .client
        url = "http://\(address):\(node.port)" + NodeImportRequest.path(role: role, node: node.name)
        self.node = node.name
    }

    func send(_ message: NodeImportRequest) async throws(JobError) {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: WireCoding.encode(message)))
        // A node on loopback answers at once or not at all: no retried connection attempts
        // (AsyncHTTPClient's default retries a refused connection for 90 seconds).
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(5)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let status: Int
        let body: [UInt8]
        do {
            let response = try await client.execute(request, timeout: .seconds(120))
            let buffer = try await response.body.collect(upTo: 1 << 20)
            status = Int(response.status.code)
            body = Array(buffer.readableBytesView)
            try? await client.shutdown()
        } catch {
            try? await client.shutdown()
            throw .failure("\(node) is running (its store is locked) but its management interface at \(url) cannot be reached (\(Self.describe(error))): stop the node and import again")
        }
        guard (200..<300).contains(status) else {
            let message = (try? WireCoding.decode(ErrorResponse.self, from: body))?.message
                ?? String(decoding: body.prefix(200), as: UTF8.self)
            switch status {
            case 404, 405:
                throw .failure("\(node) is running but does not offer the import route (HTTP \(status)): stop the node and import again")
            case 409:
                throw .failure("replayed bundle: \(node) refused it (\(message))")
            default:
                throw .failure("\(node) refused the import (HTTP \(status): \(message))")
            }
        }
    }

    /// Short words for the usual transport failures instead of NIO's type dumps.
    static func describe(_ error: any Error) -> String {
        let text = String(describing: error)
        if text.contains("Connection refused") || text.contains("connectionRefused") { return "connection refused" }
        if text.contains("connectTimeout") || text.contains("deadlineExceeded") { return "timed out" }
        return text
    }
}
