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
        let status: Int
        let body: [UInt8]
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(120))
            let buffer = try await response.body.collect(upTo: 1 << 20)
            status = Int(response.status.code)
            body = Array(buffer.readableBytesView)
        } catch {
            throw .failure("\(node) is running (its store is locked) but its management interface at \(url) cannot be reached (\(error)): stop the node and import again")
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
}
