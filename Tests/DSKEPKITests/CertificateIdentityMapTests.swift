import DSKEConfig
import DSKEPKI
import DSKEService
import Foundation
import Testing

/// A certificate names exactly one SAE, by common name or by SAN, as configured.
struct CertificateIdentityMapTests {
    let ca: CertificateAuthority
    let map = CertificateIdentityMap(identities: [
        "sam": .defaultIdentity(sae: "sam"),
        "sofia": CertificateIdentity(kind: .dnsName, value: "sofia.encryptors.example"),
        "sunny": CertificateIdentity(kind: .uri, value: "urn:dske:sae:sunny"),
    ])

    init() throws {
        ca = try CertificateAuthority.create(days: 1)
    }

    @Test func commonNameNamesTheSAE() throws {
        let issued = try ca.issue(commonName: "sam", usage: .sae)
        #expect(try map.sae(for: issued.certificate).get() == "sam")
    }

    @Test func sanNamesTheSAENotTheCommonName() throws {
        let dns = try ca.issue(commonName: "whatever", dnsNames: ["sofia.encryptors.example"], usage: .sae)
        #expect(try map.sae(for: dns.certificate).get() == "sofia")
        let uri = try ca.issue(commonName: "x", uris: ["urn:dske:sae:sunny"], usage: .sae)
        #expect(try map.sae(for: uri.certificate).get() == "sunny")
        // sofia is configured by DNS name: her name as CN alone does not name her.
        let cnOnly = try ca.issue(commonName: "sofia", usage: .sae)
        #expect(throws: CallerIdentityError.self) { try map.sae(for: cnOnly.certificate).get() }
    }

    @Test func certificateNamingTwoSAEsNamesNone() throws {
        let both = try ca.issue(commonName: "sam", dnsNames: ["sofia.encryptors.example"], usage: .sae)
        let result = map.sae(for: both.certificate)
        guard case .failure(let error) = result else {
            Issue.record("a certificate naming two SAEs was accepted")
            return
        }
        #expect(error.message.contains("more than one SAE"))
    }

    @Test func simulationIdentityNeedsHeaderUnlessSingleSAE() throws {
        #expect(try CallerIdentity.claimed(nil).sae(assuming: "sam").get() == "sam")
        #expect(throws: CallerIdentityError.self) { try CallerIdentity.claimed(nil).sae().get() }
        #expect(throws: CallerIdentityError.self) { try CallerIdentity.refused("no").sae(assuming: "sam").get() }
        #expect(try CallerIdentity.certified(sae: "sofia").sae(assuming: "sam").get() == "sofia")
    }
}
