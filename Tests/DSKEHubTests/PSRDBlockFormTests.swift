import DSKECore
import DSKEHub
import DSKEService
import Foundation
import Testing

/// A PSRD block travels raw to a client that asks for it (`PSRDBlockOctets`) and as the
/// reference's JSON to any other; either way the bytes sent are the bytes the hub's pool holds,
/// and the client's reader gets the same block from both forms.
@Suite struct PSRDBlockFormTests {
    private func held(_ hub: HubFixture, _ block: PSRDBlockResponse) async throws -> [UInt8] {
        let allocation = try Allocation(fragments: [Fragment(blockUUID: block.blockUUID, start: 0, size: block.data.count)])
        return try await hub.store.peek(peer: "carol", allocation: allocation)
    }

    private func request(_ hub: HubFixture, accept: String?) async throws -> (Reply, PSRDBlockResponse) {
        let reply = try await RawHTTP.send(.GET, hub.baseURL + "/dske/oob/v1/psrd?client_name=carol&pool_owner=client&size=48",
                                           headers: accept.map { [("Accept", $0)] } ?? [])
        #expect(reply.status == 200, "\(reply)")
        let block = try PSRDBlockOctets.read(PeerResponse(status: reply.status, body: reply.body, headers: reply.headers),
                                             limit: 4096)
        return (reply, block)
    }

    @Test func rawWhenAskedJSONOtherwiseAndTheSameBlockEitherWay() async throws {
        try await HubFixture.with { hub in
            try await hub.register("carol", encryptors: ["sam"])

            let (raw, rawBlock) = try await request(hub, accept: PSRDBlockOctets.accept)
            #expect(raw.headers.first(name: "Content-Type") == "application/octet-stream")
            #expect(raw.headers.first(name: "DSKE-Block-UUID") == rawBlock.blockUUID.lowercased)
            #expect(raw.body.count == 48)
            #expect(try await held(hub, rawBlock) == raw.body)

            // The reference's form for a client that does not ask, or refuses the raw one.
            for accept in [nil, "application/json", "application/octet-stream;q=0, application/json"] {
                let (json, jsonBlock) = try await request(hub, accept: accept)
                #expect(json.headers.first(name: "Content-Type") == "application/json")
                #expect(json.headers.first(name: "DSKE-Block-UUID") == nil)
                #expect(try WireCoding.decode(PSRDBlockResponse.self, from: json.body) == jsonBlock)
                #expect(jsonBlock.data.count == 48)
                #expect(try await held(hub, jsonBlock) == jsonBlock.data)
                #expect(jsonBlock.blockUUID != rawBlock.blockUUID)
            }
            #expect(await hub.levels("carol").peer == 4 * 48)
        }
    }

    @Test func aRawBlockWithoutAValidUUIDIsRefused() throws {
        for headers in [[("Content-Type", "application/octet-stream")],
                        [("Content-Type", "application/octet-stream"), ("DSKE-Block-UUID", "not-a-uuid")]] {
            let response = PeerResponse(status: 200, body: [1, 2, 3], headers: .init(headers))
            #expect(throws: WireError.self) { try PSRDBlockOctets.read(response, limit: 4096) }
        }
    }

    @Test func theAcceptHeaderIsReadAsHTTPSaysItIs() {
        #expect(PSRDBlockOctets.isAccepted(PSRDBlockOctets.accept))
        #expect(PSRDBlockOctets.isAccepted("Application/Octet-Stream"))
        #expect(PSRDBlockOctets.isAccepted("application/json, application/octet-stream;q=0.1"))
        #expect(!PSRDBlockOctets.isAccepted(nil))
        #expect(!PSRDBlockOctets.isAccepted(""))
        #expect(!PSRDBlockOctets.isAccepted("*/*"))
        #expect(!PSRDBlockOctets.isAccepted("application/json"))
        #expect(!PSRDBlockOctets.isAccepted("application/octet-stream; q=0"))
        #expect(!PSRDBlockOctets.isAccepted("application/octet-stream;q=0.0, application/json"))
    }
}
