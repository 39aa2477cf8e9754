import Foundation
import Testing

/// ETSI 014 clauses that cross the network, between real KME processes over mutual TLS: one key
/// for several slave SAEs (`additional_slave_SAE_IDs`), each named slave getting it once from its
/// own KME; Status announcing it; mandatory extensions refused.
@Suite("ETSI 014 group keys over mutual TLS")
struct ETSIGroupKeyTests {
    @Test("keys for sofia and sunny: each gets them once at its own KME, susan (not named) never")
    func groupKeysReachEveryNamedSlave() async throws {
        try await TLSNetwork.with { tls in
            let status = try await tls.send(.GET, "\(tls.root("carol"))/sofia/status", as: .sae("sam"))
            try #require(status.status == 200, "\(status)")
            #expect(status.object?["max_SAE_ID_count"] as? Int == 8)

            let made = try await tls.send(.POST, "\(tls.root("carol"))/sofia/enc_keys", as: .sae("sam"),
                                          json: #"{"number":2,"size":512,"additional_slave_SAE_IDs":["sunny"]}"#)
            try #require(made.status == 200, "\(made)")
            let keys = try TestNetwork.keys(in: made)
            #expect(keys.count == 2)
            let body = #"{"key_IDs":["# + keys.map { #"{"key_ID":"\#($0.id)"}"# }.joined(separator: ",") + "]}"

            let susan = try await tls.send(.POST, "\(tls.root("curtis"))/sam/dec_keys", as: .sae("susan"), json: body)
            #expect(susan.status == 400 && susan.isJSONError, "\(susan)")
            for (kme, slave) in [("connie", "sofia"), ("curtis", "sunny")] {
                let fetched = try await tls.send(.POST, "\(tls.root(kme))/sam/dec_keys", as: .sae(slave), json: body)
                try #require(fetched.status == 200, "\(slave): \(fetched)")
                #expect(try TestNetwork.keys(in: fetched).map(\.value) == keys.map(\.value), "\(slave)")
                let again = try await tls.send(.POST, "\(tls.root(kme))/sam/dec_keys", as: .sae(slave), json: body)
                #expect(again.status == 400 && again.object?["message"] as? String == "one or more keys specified are not found on KME",
                        "\(slave): \(again)")
            }

            let extended = try await tls.send(.POST, "\(tls.root("carol"))/sofia/enc_keys", as: .sae("sam"),
                                              json: #"{"extension_mandatory":[{"route":"direct"}]}"#)
            #expect(extended.status == 400, "\(extended)")
            #expect(extended.object?["message"] as? String == "not all extension_mandatory parameters are supported")
        }
    }
}
