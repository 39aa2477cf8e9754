import Foundation
import Testing

/// An ETSI 014 client from PyPI, unmodified, against our KMEs over mutual TLS: status, Get key
/// and Get key with key IDs, and both SAEs end up with the same keys.
@Suite("independent ETSI 014 client")
struct IndependentClientTests {
    /// Drives QKD014Client as its documentation shows; prints one JSON object with what it got.
    static let script = #"""
        import json, sys
        from etsi_qkd_014_client import QKD014Client

        pki, master_kme, slave_kme = sys.argv[1], sys.argv[2], sys.argv[3]
        def client(kme, sae):
            return QKD014Client(kme, f"{pki}/sae/{sae}.crt", f"{pki}/sae/{sae}.key", f"{pki}/ca.crt")

        sam, sofia = client(master_kme, "sam"), client(slave_kme, "sofia")
        out = {}
        code, status = sam.get_status("sofia")
        out["status"] = [code, vars(status)]
        code, container = sam.get_key("sofia", number=2, size=256)
        out["enc_keys"] = [code, [[k.key_id, k.key] for k in container.keys] if code == 200 else vars(container)]
        code, simple = sam.get_key("sofia")
        out["enc_keys_get"] = [code, [[k.key_id, k.key] for k in simple.keys] if code == 200 else vars(simple)]
        ids = [k[0] for k in out["enc_keys"][1]] + [k[0] for k in out["enc_keys_get"][1]]
        code, container = sofia.get_key_with_key_IDs("sam", ids)
        out["dec_keys"] = [code, [[k.key_id, k.key] for k in container.keys] if code == 200 else vars(container)]
        code, error = client(master_kme, "sofia").get_status("sam")
        out["wrong_kme"] = [code, vars(error)]
        print(json.dumps(out))
        """#

    @Test("etsi-qkd-014-client: status, Get key (POST and GET), Get key with key IDs, same keys on both sides")
    func independentClient() async throws {
        let python = try await IndependentETSIClient.python()
        try await TLSNetwork.with { tls in
            let scriptPath = "\(tls.network.directory)/etsi_client.py"
            try Self.script.write(toFile: scriptPath, atomically: true, encoding: .utf8)
            let run = try await DSKEProcess.run(
                executable: python,
                [scriptPath, tls.layout.directory, "localhost:\(tls.securePort("carol"))", "localhost:\(tls.securePort("connie"))"],
                timeout: .seconds(120))
            try #require(run.status == 0, "the independent client failed: \(run)")
            let line = try #require(run.stdout.split(separator: "\n").last)
            let result = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: [Any]])

            let status = try #require(result["status"])
            #expect(status[0] as? Int == 200)
            let fields = try #require(status[1] as? [String: Any])
            #expect(fields["source_kme_id"] as? String == "carol")
            #expect(fields["target_kme_id"] as? String == "connie")
            #expect(fields["master_sae_id"] as? String == "sam")
            #expect(fields["slave_sae_id"] as? String == "sofia")

            let post = try #require(result["enc_keys"])
            let get = try #require(result["enc_keys_get"])
            let dec = try #require(result["dec_keys"])
            #expect(post[0] as? Int == 200 && get[0] as? Int == 200 && dec[0] as? Int == 200, "\(result)")
            let made = ((post[1] as? [[String]]) ?? []) + ((get[1] as? [[String]]) ?? [])
            let delivered = (dec[1] as? [[String]]) ?? []
            #expect(made.count == 3)
            #expect(Dictionary(uniqueKeysWithValues: made.map { ($0[0], $0[1]) })
                    == Dictionary(uniqueKeysWithValues: delivered.map { ($0[0], $0[1]) }))

            // sofia at sam's KME: a 401 whose JSON error body the client parses (it parses
            // every non-200 body as an ETSI Error).
            let other = try #require(result["wrong_kme"])
            #expect(other[0] as? Int == 401, "\(other)")
            #expect(((other[1] as? [String: Any])?["message"] as? String)?.contains("not attached") == true, "\(other)")
        }
    }
}
