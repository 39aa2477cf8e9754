import DSKEPKI
import Foundation
import Testing

/// Cisco SKIP served by real `dske node client` processes from a production-style config
/// (`tls.skip_port`, `dske pki` certificates): TLS 1.3 only, the caller named by its certificate,
/// the peer's KME delivering the same key once, `Connection: close` honoured.
@Suite("SKIP over TLS 1.3")
struct SKIPOverTLSTests {
    func skip(_ tls: TLSNetwork, _ kme: String, _ path: String) -> String { "https://localhost:\(tls.skipPort(kme))\(path)" }

    @Test("a key from sam's KME, the same key once from sofia's KME, each caller named by its certificate")
    func keyPairOverSKIP() async throws {
        try await TLSNetwork.with(skip: true) { tls in
            let capabilities = try await tls.send(.GET, skip(tls, "carol", "/capabilities"), as: .sae("sam"))
            try #require(capabilities.status == 200, "\(capabilities)")
            #expect(capabilities.object?["localSystemID"] as? String == "sam")
            #expect(capabilities.object?["remoteSystemID"] as? [String] == ["sofia", "sunny", "susan"])
            #expect(capabilities.object?["key"] as? Bool == true && capabilities.object?["entropy"] as? Bool == true)

            let made = try await tls.send(.GET, skip(tls, "carol", "/key?remoteSystemID=sofia&size=256"), as: .sae("sam"))
            try #require(made.status == 200, "\(made)")
            let keyId = try #require(made.object?["keyId"] as? String)
            let key = try #require(made.object?["key"] as? String)
            #expect(keyId.count == 32 && key.count == 64)

            // susan is attached to curtis, not the peer sam named: refused, the key stays.
            let other = try await tls.send(.GET, skip(tls, "curtis", "/key/\(keyId)?remoteSystemID=sam"), as: .sae("susan"))
            #expect(other.status == 400 && other.isJSONError, "\(other)")

            let fetched = try await tls.send(.GET, skip(tls, "connie", "/key/\(keyId)?remoteSystemID=sam"), as: .sae("sofia"))
            try #require(fetched.status == 200, "\(fetched)")
            #expect(fetched.object?["keyId"] as? String == keyId)
            #expect(fetched.object?["key"] as? String == key)
            let again = try await tls.send(.GET, skip(tls, "connie", "/key/\(keyId)?remoteSystemID=sam"), as: .sae("sofia"))
            #expect(again.status == 400 && again.isJSONError, "\(again)")

            // Callers that cannot be named: a JSON 401, and the listener goes on.
            let anonymous = try await tls.send(.GET, skip(tls, "carol", "/capabilities"), as: .none)
            #expect(anonymous.status == 401 && anonymous.isJSONError, "\(anonymous)")
            let elsewhere = try await tls.send(.GET, skip(tls, "carol", "/capabilities"), as: .sae("sofia"))
            #expect(elsewhere.status == 401 && elsewhere.isJSONError, "\(elsewhere)")
            let claimed = try await tls.send(.GET, skip(tls, "carol", "/capabilities"), as: .sae("sam"), headers: [("Authorization", "sam")])
            #expect(claimed.status == 401 && claimed.isJSONError, "\(claimed)")
            let post = try await tls.send(.POST, skip(tls, "carol", "/key?remoteSystemID=sofia"), as: .sae("sam"))
            #expect(post.status == 405 && post.header("Allow") == "GET", "\(post)")
            #expect(try await tls.send(.GET, skip(tls, "carol", "/entropy"), as: .sae("sam")).status == 200)

            // dske status names each KME's HTTPS and SKIP ports; a hub has neither.
            let status = try await tls.network.dske(["status", "--json"])
            try #require(status.status == 0, "\(status)")
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [[String: Any]])
            for row in rows {
                let name = try #require(row["name"] as? String)
                let isClient = TLSNetwork.spec.clients.contains { $0.name == name }
                #expect(row["tls_port"] as? Int == (isClient ? tls.securePort(name) : nil), "\(name)")
                #expect(row["skip_port"] as? Int == (isClient ? tls.skipPort(name) : nil), "\(name)")
                #expect(isClient || row["skip_port"] is NSNull, "\(name)")
            }
            let table = try await tls.network.dske(["status", "--node", "carol"])
            #expect(table.stdout.contains("\(tls.securePort("carol"))  \(tls.skipPort("carol"))"), "\(table)")

            // A normal stop, SKIP listeners included, logs no error.
            try await tls.network.stop()
            for name in TLSNetwork.spec.portOrder {
                let errors = tls.network.log(name).split(separator: "\n").filter { $0.contains(" error ") }
                #expect(errors.isEmpty, "\(name): \(errors)")
            }
        }
    }

    @Test("TLS 1.2 is refused; TLS_AES_256_GCM_SHA384 alone is accepted; Connection: close ends the connection")
    func transportAsTheDraftRequires() async throws {
        try await TLSNetwork.with(skip: true) { tls in
            let port = tls.skipPort("carol")
            let credentials = "-CAfile \(tls.layout.caCertificate) -cert \(tls.layout.saeCertificate("sam")) -key \(tls.layout.saeKey("sam"))"
            let request = #"printf 'GET /entropy?minentropy=128 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n'"#

            let old = try await Self.shell("\(request) | openssl s_client -connect 127.0.0.1:\(port) -tls1_2 \(credentials) -ign_eof")
            #expect(!old.stdout.contains("HTTP/1.1 200"), "\(old)")
            #expect(old.status != 0, "\(old)")

            // -ign_eof: s_client keeps reading after its input ends, so it only exits (well
            // before the timeout) if the server closes the connection after the answer.
            let strict = try await Self.shell("\(request) | openssl s_client -connect 127.0.0.1:\(port) -tls1_3 "
                                              + "-ciphersuites TLS_AES_256_GCM_SHA384 \(credentials) -ign_eof")
            #expect(strict.status == 0, "\(strict)")
            #expect(strict.stdout.contains("TLS_AES_256_GCM_SHA384"), "\(strict)")
            #expect(strict.stdout.contains("HTTP/1.1 200"), "\(strict)")
            #expect(strict.stdout.lowercased().contains("connection: close"), "\(strict)")
            #expect(strict.stdout.contains(#""minentropy":128}"#), "\(strict)")
        }
    }

    static func shell(_ command: String) async throws -> DSKEProcess.Result {
        try await DSKEProcess.run(executable: "/bin/sh", ["-c", command], timeout: .seconds(30))
    }
}
