import DSKEPKI
import Foundation
import Testing

/// ETSI 014 over mutual TLS with `dske pki` certificates: the caller is its certificate, and
/// every way of not being a proper caller is refused without disturbing the KME.
@Suite("mutual TLS")
struct MutualTLSTests {
    @Test("Get key over mTLS at the master's KME, Get key with key IDs at the slave's: the same keys")
    func keyPairOverMutualTLS() async throws {
        try await TLSNetwork.with { tls in
            let status = try await tls.send(.GET, "\(tls.root("carol"))/sofia/status", as: .sae("sam"))
            try #require(status.status == 200, "\(status)")
            #expect(status.object?["master_SAE_ID"] as? String == "sam")
            #expect(status.object?["target_KME_ID"] as? String == "connie")

            let enc = try await tls.send(.GET, "\(tls.root("carol"))/sofia/enc_keys?number=3", as: .sae("sam"))
            try #require(enc.status == 200, "\(enc)")
            let keys = try TestNetwork.keys(in: enc)
            #expect(keys.count == 3)
            let ids = keys.map { #"{"key_ID":"\#($0.id)"}"# }.joined(separator: ",")
            let dec = try await tls.send(.POST, "\(tls.root("connie"))/sam/dec_keys", as: .sae("sofia"),
                                         json: #"{"key_IDs":[\#(ids)]}"#)
            try #require(dec.status == 200, "\(dec)")
            #expect(try TestNetwork.keys(in: dec).map(\.value) == keys.map(\.value))

            // The manager's encryptor commands find the SAE's files in the pki directory.
            let pair = try await tls.network.dske(["get-key-pair", "--master", "sunny", "--slave", "sam", "--number", "2"])
            #expect(pair.status == 0, "\(pair)")
            #expect(pair.stdout.split(separator: "\n").count == 2)
        }
    }

    @Test("no certificate, another CA, expired, wrong SAE, not the slave, an Authorization header: refused; the KME goes on")
    func improperCallersAreRefused() async throws {
        try await TLSNetwork.with { tls in
            let carol = tls.root("carol")
            // No client certificate: the handshake completes (the certificate is optional at the
            // TLS layer) and the interface answers a JSON 401 that says what is missing.
            let anonymous = try await tls.send(.GET, "\(carol)/sofia/status", as: .none)
            #expect(anonymous.status == 401 && anonymous.isJSONError, "\(anonymous)")
            #expect(anonymous.text.contains("client certificate is required"))

            // A certificate from another CA, and an expired one from the right CA: the handshake
            // fails (the certificate does not verify), no HTTP exchange happens.
            let stranger = try CertificateAuthority.create(commonName: "Other CA", days: 1)
            let foreign = try tls.writeCertificate(try stranger.issue(commonName: "sam", usage: .sae), name: "foreign-sam")
            await #expect(throws: (any Error).self) {
                _ = try await tls.send(.GET, "\(carol)/sofia/status", as: foreign)
            }
            let authority = try CertificateAuthority.load(certificatePath: tls.layout.caCertificate, keyPath: tls.layout.caKey)
            let now = Date()
            let expiredCertificate = try authority.issue(commonName: "sam", usage: .sae, notBefore: now.addingTimeInterval(-2 * 86400),
                                                         notAfter: now.addingTimeInterval(-86400))
            let expired = try tls.writeCertificate(expiredCertificate, name: "expired-sam")
            await #expect(throws: (any Error).self) {
                _ = try await tls.send(.GET, "\(carol)/sofia/status", as: expired)
            }

            // A valid SAE of another KME.
            let elsewhere = try await tls.send(.GET, "\(carol)/sam/status", as: .sae("sofia"))
            #expect(elsewhere.status == 401 && elsewhere.isJSONError, "\(elsewhere)")
            #expect(elsewhere.text.contains("not attached"))

            // A certificate that names no SAE of the network (same CA).
            let nobody = try tls.writeCertificate(try authority.issue(commonName: "mallory", usage: .sae), name: "mallory")
            let unknown = try await tls.send(.GET, "\(carol)/sofia/status", as: nobody)
            #expect(unknown.status == 401 && unknown.isJSONError, "\(unknown)")

            // sam's valid certificate plus an Authorization header claiming someone else.
            let claimed = try await tls.send(.GET, "\(carol)/sofia/status", as: .sae("sam"), headers: [("Authorization", "sam")])
            #expect(claimed.status == 401 && claimed.isJSONError, "\(claimed)")
            #expect(claimed.text.contains("Authorization header"))

            // Keys made for sam -> sofia: sunny (curtis) and susan are not the slave.
            let enc = try await tls.send(.GET, "\(carol)/sofia/enc_keys", as: .sae("sam"))
            try #require(enc.status == 200, "\(enc)")
            let key = try #require(try TestNetwork.keys(in: enc).first)
            let notSlave = try await tls.send(.GET, "\(tls.root("curtis"))/sam/dec_keys?key_ID=\(key.id)", as: .sae("sunny"))
            #expect(notSlave.status == 401 && notSlave.isJSONError, "\(notSlave)")

            // Over plain HTTP the key delivery interface is not served at all when TLS is on.
            let plain = try await HTTP.get("\(tls.network.origin("carol"))/api/v1/keys/sofia/status", headers: [("Authorization", "sam")])
            #expect(plain.status == 404, "\(plain)")

            // After all that, the proper callers are served, and the refused slave did not burn
            // the key: sofia still gets it.
            let dec = try await tls.send(.GET, "\(tls.root("connie"))/sam/dec_keys?key_ID=\(key.id)", as: .sae("sofia"))
            try #require(dec.status == 200, "\(dec)")
            #expect(try TestNetwork.keys(in: dec).first?.value == key.value)
            let again = try await tls.send(.GET, "\(carol)/sofia/status", as: .sae("sam"))
            #expect(again.status == 200, "\(again)")
        }
    }
}
