@testable import DSKEClient
import DSKECore
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import NIOHTTP1
import Testing

/// Cisco SKIP (draft-cisco-skip) on each KME's own SKIP listener, over the same key path as ETSI.
@Suite(.serialized) struct SKIPTests {
    static func withSKIP<R>(_ body: (TestNetwork) async throws -> R) async throws -> R {
        try await TestNetwork.with(adjust: { $0.skip = SKIPEndpoint(host: "127.0.0.1", port: 0) }, body)
    }

    @Test func capabilitiesNameTheCallerAndItsPeers() async throws {
        try await Self.withSKIP { network in
            let reply = try await network.skip("carol", "/capabilities", caller: "sam")
            #expect(reply.status == 200, "\(reply)")
            let object = try #require(reply.object)
            #expect(object.keys == ["entropy", "key", "algorithm", "localSystemID", "remoteSystemID"])
            #expect(object["entropy"] == .bool(true))
            #expect(object["key"] == .bool(true))
            #expect(object["algorithm"] == .string("DSKE"))
            #expect(object["localSystemID"] == .string("sam"))
            #expect(object["remoteSystemID"] == .array([.string("sofia")]))
        }
    }

    @Test func thePeerGetsTheSameKeyOnceAndTheHexIsExact() async throws {
        try await Self.withSKIP { network in
            let made = try await network.skip("carol", "/key?remoteSystemID=sofia", caller: "sam")
            #expect(made.status == 200, "\(made)")
            #expect(made.object?.keys == ["keyId", "key"])
            let key = try WireCoding.decode(SKIPKey.self, from: made.body)
            #expect(key.key.count == 32) // 256 bits by default
            #expect(key.keyId.utf8.count == 32 && key.keyId == key.keyId.lowercased())
            #expect(made.headers.first(name: "Cache-Control") == "no-store")

            let fetched = try await network.skip("connie", "/key/\(key.keyId)?remoteSystemID=sam", caller: "sofia")
            #expect(fetched.status == 200, "\(fetched)")
            let same = try WireCoding.decode(SKIPKey.self, from: fetched.body)
            #expect(same.keyId == key.keyId && same.key == key.key)

            // Zeroized after delivery: the hubs hold no share any more.
            let again = try await network.skip("connie", "/key/\(key.keyId)?remoteSystemID=sam", caller: "sofia")
            #expect(again.status == 400 && again.isJSONError, "\(again)")

            // The SKIP key ID is the ETSI key_ID of the same key: one key path.
            let sized = try await network.skip("carol", "/key?remoteSystemID=sofia&size=512", caller: "sam")
            let big = try WireCoding.decode(SKIPKey.self, from: sized.body)
            #expect(big.key.count == 64)
            let uuid = try #require(SKIPHex.keyID(big.keyId))
            let etsi = try await network.etsi(.GET, "connie", "sam/dec_keys?key_ID=\(uuid.lowercased)", caller: "sofia")
            #expect(etsi.status == 200, "\(etsi)")
            #expect(try etsi.keys().keys.first?.key == big.key)
        }
    }

    @Test func onlyTheNamedPeerGetsTheKey() async throws {
        try await TestNetwork.with(clients: [.init(name: "carol", encryptors: ["sam"]), .init(name: "connie", encryptors: ["sofia"]),
                                             .init(name: "cora", encryptors: ["sunny"])],
                                   adjust: { $0.skip = SKIPEndpoint(host: "127.0.0.1", port: 0) }) { network in
            let made = try await network.skip("carol", "/key?remoteSystemID=sofia", caller: "sam")
            let key = try WireCoding.decode(SKIPKey.self, from: made.body)
            // sunny claims to be sofia's peer for this key: refused as unknown, nothing consumed.
            let stolen = try await network.skip("cora", "/key/\(key.keyId)?remoteSystemID=sam", caller: "sunny")
            #expect(stolen.status == 400, "\(stolen)")
            let fetched = try await network.skip("connie", "/key/\(key.keyId)?remoteSystemID=sam", caller: "sofia")
            #expect(fetched.status == 200, "\(fetched)")
            #expect(try WireCoding.decode(SKIPKey.self, from: fetched.body).key == key.key)
        }
    }

    @Test func badRequestsGetTheDraftsStatusesWithAJSONBody() async throws {
        try await Self.withSKIP { network in
            let unknown = String(repeating: "ab", count: 16)
            let cases: [(NIOHTTPMethod, String, String?, Int)] = [
                (.GET, "/key", "sam", 400),
                (.GET, "/key?remoteSystemID=", "sam", 400),
                (.GET, "/key?remoteSystemID=nobody", "sam", 400),
                (.GET, "/key?remoteSystemID=sam", "sam", 400),
                (.GET, "/key?remoteSystemID=sofia&size=33", "sam", 400),
                (.GET, "/key?remoteSystemID=sofia&size=16", "sam", 400),
                (.GET, "/key?remoteSystemID=sofia&size=abc", "sam", 400),
                (.GET, "/key?remoteSystemID=sofia&size=99999999999", "sam", 400),
                (.GET, "/key/xyz?remoteSystemID=sofia", "sam", 400),
                (.GET, "/key/\(unknown)?remoteSystemID=sofia", "sam", 400),
                (.GET, "/key/\(unknown)", "sam", 400),
                (.GET, "/entropy?minentropy=0", "sam", 400),
                (.GET, "/entropy?minentropy=65537", "sam", 400),
                (.GET, "/capabilities", "sofia", 401),
                (.POST, "/key?remoteSystemID=sofia", "sam", 405),
                (.DELETE, "/capabilities", "sam", 405),
                (.GET, "/keys", "sam", 404),
                (.GET, "/api/v1/keys/sofia/status", "sam", 404),
            ]
            for (method, path, caller, status) in cases {
                let reply = try await network.skip("carol", path, caller: caller, method: method)
                #expect(reply.status == status, "\(method) \(path): \(reply)")
                #expect(reply.isJSONError, "\(method) \(path): \(reply)")
            }
            // Still serving.
            #expect(try await network.skip("carol", "/capabilities", caller: "sam").status == 200)
        }
    }

    @Test func entropyIsFreshHexOfTheBitsAsked() async throws {
        try await Self.withSKIP { network in
            let first = try await network.skip("carol", "/entropy", caller: "sam")
            #expect(first.status == 200, "\(first)")
            #expect(first.object?.keys == ["randomStr", "minentropy"])
            let a = try WireCoding.decode(SKIPEntropy.self, from: first.body)
            #expect(a.minentropy == 256 && SKIPHex.decode(a.randomStr)?.count == 32)
            let second = try WireCoding.decode(SKIPEntropy.self, from: try await network.skip("carol", "/entropy", caller: "sam").body)
            #expect(second.randomStr != a.randomStr)
            let odd = try WireCoding.decode(SKIPEntropy.self, from: try await network.skip("carol", "/entropy?minentropy=1001", caller: "sam").body)
            #expect(odd.minentropy == 1008 && SKIPHex.decode(odd.randomStr)?.count == 126)
        }
    }

    /// A client that sends `Connection: close` and reads to EOF gets the whole answer and EOF.
    @Test func connectionCloseIsHonoured() async throws {
        try await Self.withSKIP { network in
            let port = try await network.skipPort("carol")
            // Any letter case, among other tokens, and on an error answer too.
            for (path, value) in [("/entropy", "close"), ("/entropy", "Close"), ("/capabilities", "keep-alive, CLOSE"), ("/nowhere", "close")] {
                let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: sam\r\nConnection: \(value)\r\n\r\n"
                let answer = try RawSocket.exchange(port: port, request: Array(request.utf8))
                let text = String(decoding: answer, as: UTF8.self)
                #expect(text.hasPrefix(path == "/nowhere" ? "HTTP/1.1 404" : "HTTP/1.1 200"), "\(value): \(text.prefix(200))")
                #expect(text.lowercased().contains("connection: close"), "\(value)")
                #expect(text.hasSuffix("}"), "\(value)")
            }
        }
    }

    /// A SKIP port that is taken: the error is logged, the status says no SKIP port, ETSI serves on.
    @Test func aSKIPPortThatIsTakenLeavesTheNodeServing() async throws {
        let blocker = try RawSocket.listen()
        defer { close(blocker.fd) }
        try await TestNetwork.with(adjust: { $0.skip = SKIPEndpoint(host: "127.0.0.1", port: blocker.port) }) { network in
            for _ in 0..<400 where !network.logs.contains("SKIP listener on 127.0.0.1:\(blocker.port) failed") {
                try await Task.sleep(for: .milliseconds(25))
            }
            #expect(network.logs.contains("SKIP listener on 127.0.0.1:\(blocker.port) failed"))
            #expect(try await network.status("carol")["skip_port"] == .null)
            #expect(try await network.etsi(.GET, "carol", "sofia/status", caller: "sam").status == 200)
        }
    }

    @Test func wipingADeliveredKeyZeroesItsBytes() {
        let key = UserKey.random(size: 32)
        let copy = key
        #expect(copy.value.contains { $0 != 0 })
        ETSIInterface.wipe([key])
        // The array of every copy shared the wiped buffer.
        #expect(copy.value.allSatisfy { $0 == 0 })
    }

    @Test func hexRoundTripsAndKeyIDsAreStrict() {
        let bytes: [UInt8] = [0, 1, 0xAB, 0xFF]
        #expect(SKIPHex.encode(bytes) == "0001abff")
        #expect(SKIPHex.decode("0001ABff") == bytes)
        #expect(SKIPHex.decode("0g") == nil && SKIPHex.decode("abc") == nil)
        let id = UUID()
        let hex = id.uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        #expect(SKIPHex.keyID(hex) == id)
        #expect(SKIPHex.keyID(id.uuidString) == nil)
        #expect(SKIPHex.keyID(hex + "00") == nil)
    }
}

extension TestNetwork {
    /// The client's SKIP port, once its listener is up (from the management status).
    func skipPort(_ client: String) async throws -> Int {
        for _ in 0..<200 {
            if case .number(let number)? = try await status(client)["skip_port"], let port = number.integer() { return port }
            try await Task.sleep(for: .milliseconds(25))
        }
        Issue.record("\(client) has no SKIP listener")
        throw CancellationError()
    }

    /// A SKIP call at `client`'s SKIP listener; `caller` goes in the `Authorization` header
    /// (simulation mode) when given.
    func skip(_ client: String, _ path: String, caller: String?, method: NIOHTTPMethod = .GET) async throws -> Reply {
        let port = try await skipPort(client)
        var headers: [(String, String)] = []
        if let caller { headers.append(("Authorization", caller)) }
        return try await RawHTTP.send(method, "http://127.0.0.1:\(port)" + path, headers: headers)
    }
}

/// One request on a fresh TCP connection, read until the server closes it.
enum RawSocket {
    struct Failure: Error { let what: String }

    /// A socket listening on a free loopback port, to make that port unavailable.
    static func listen() throws -> (fd: Int32, port: Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(what: "socket") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && Glibc.listen(fd, 1) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { close(fd); throw Failure(what: "bind") }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }

    static func exchange(port: Int, request: [UInt8]) throws -> [UInt8] {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(what: "socket") }
        defer { close(fd) }
        // A server that never closes fails the test instead of hanging it.
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw Failure(what: "connect") }
        guard request.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, 0) }) == request.count else { throw Failure(what: "send") }
        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count == 0 { return answer }
            guard count > 0 else { throw Failure(what: "no EOF: the server kept the connection open") }
            answer.append(contentsOf: buffer[0..<count])
        }
    }
}
