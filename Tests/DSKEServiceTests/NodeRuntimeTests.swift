import AsyncHTTPClient
import DSKECore
import DSKEService
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Testing

/// The runtime over real HTTP on loopback: JSON errors for everything, signed exchanges through
/// PeerConnection, management status and stop.
@Suite struct NodeRuntimeTests {
    static let quiet: Logger = {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return logger
    }()

    func withNode(_ body: (RunningNode, PairedStores) async throws -> Void) async throws {
        let pair = try await PairedStores.make()
        let runtime = NodeRuntime(name: "hank", role: .hub, store: pair.hub, service: EchoService(store: pair.hub),
                                  logger: Self.quiet)
        let node = try await runtime.start()
        do {
            try await body(node, pair)
        } catch {
            await node.stop()
            await pair.remove()
            throw error
        }
        await node.stop()
        await pair.remove()
    }

    func raw(_ method: HTTPMethod, _ url: String, body: [UInt8]? = nil) async throws -> (Int, HTTPHeaders, ErrorResponse?) {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await DSKEHTTPClient.shared.execute(request, timeout: .seconds(10))
        let bytes = Array(try await response.body.collect(upTo: 1 << 20).readableBytesView)
        #expect(response.headers.first(name: "Content-Type") == "application/json")
        return (Int(response.status.code), response.headers, try? WireCoding.decode(ErrorResponse.self, from: bytes))
    }

    @Test func everyErrorIsAJSONBodyWithItsStatus() async throws {
        try await withNode { node, _ in
            let cases: [(HTTPMethod, String, [UInt8]?, Int, String)] = [
                (.GET, "/nothing/here", nil, 404, "Not found."),
                (.DELETE, "/hub/hank/echo", nil, 405, "Method not allowed."),
                (.GET, "/hub/hank/boom", nil, 500, "Internal error."),
                (.GET, "/hub/hank/decoding", nil, 400, "Invalid request body."),
                (.PUT, "/hub/hank/small", Array(repeating: 0x20, count: 17), 413, "Request body too large."),
                (.POST, "/hub/hank/echo", Array("{}".utf8), 401, "Missing DSKE-Signature header."),
            ]
            for (method, path, body, status, message) in cases {
                let (actual, headers, error) = try await raw(method, "http://127.0.0.1:\(node.port)" + path, body: body)
                #expect(actual == status, "\(method) \(path)")
                #expect(error?.message == message, "\(method) \(path)")
                if status == 405 { #expect(headers.first(name: "Allow") == "POST") }
            }
        }
    }

    @Test func aSignedExchangeThroughPeerConnection() async throws {
        try await withNode { node, pair in
            let connection = PeerConnection(baseURL: node.baseURL, peer: "hank", store: pair.client,
                                            authenticator: MessageAuthenticator(kind: .hmacSHA256))
            let before = await pair.levels()
            let response = try await connection.send(.POST, path: "/echo", query: [("k", "a b")], body: Array("[1,2]".utf8), signed: true)
            #expect(response.status == 200)
            #expect(response.body == Array("[1,2]".utf8))
            let after = await pair.levels()
            #expect(zip(before, after).map { $0 - $1 } == [32, 32, 32, 32])
        }
    }

    @Test func aTamperedOrUnsignedAnswerIsRefusedWithoutBurningTheClientsPSRD() async throws {
        try await withNode { node, pair in
            let connection = PeerConnection(baseURL: node.baseURL, peer: "hank", store: pair.client,
                                            authenticator: MessageAuthenticator(kind: .hmacSHA256))
            let clientPeerBefore = await pair.client.unusedBytes(peer: "hank", owner: .hub)
            await #expect(throws: PeerConnectionError.self) {
                _ = try await connection.send(.POST, path: "/tampered", body: Array("{}".utf8), signed: true)
            }
            #expect(await pair.client.unusedBytes(peer: "hank", owner: .hub) == clientPeerBefore)
            await #expect(throws: PeerConnectionError.missingResponseSignature) {
                _ = try await connection.send(.POST, path: "/unsigned", body: [], signed: true)
            }
            // Unsigned exchanges are not checked.
            let unsigned = try await connection.send(.POST, path: "/unsigned", body: [], signed: false)
            #expect(unsigned.status == 200)
        }
    }

    @Test func nothingListeningIsATransportError() async throws {
        let pair = try await PairedStores.make()
        let connection = PeerConnection(baseURL: "http://127.0.0.1:1/hub/hank", peer: "hank", store: pair.client,
                                        authenticator: MessageAuthenticator(kind: .hmacSHA256))
        await #expect(throws: PeerConnectionError.self) {
            _ = try await connection.send(.GET, path: "/x", signed: false)
        }
        await pair.remove()
    }

    @Test func statusAndStop() async throws {
        try await withNode { node, _ in
            let client = DSKEHTTPClient.shared
            let status = try await client.execute(HTTPClientRequest(url: node.baseURL + "/mgmt/v1/status"), timeout: .seconds(5))
            let body = try WireCoding.parse(Array(try await status.body.collect(upTo: 1 << 20).readableBytesView))
            guard case .object(let object) = body else { Issue.record("\(body)"); return }
            #expect(object.keys == ["name", "role", "pools", "ready"])
            #expect(object["role"] == "hub")
            guard case .array(let pools)? = object["pools"] else { Issue.record("pools"); return }
            #expect(pools.count == 2)

            var stop = HTTPClientRequest(url: node.baseURL + "/mgmt/v1/stop")
            stop.method = .POST
            #expect(try await client.execute(stop, timeout: .seconds(5)).status == .ok)
            try await node.waitUntilStopped()
        }
    }
}
