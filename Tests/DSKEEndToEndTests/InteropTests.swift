import Foundation
import Testing

/// Byte-for-byte interoperability with the Python reference in HTTP simulation mode with
/// HMAC-SHA256: its client through our hubs, our client through its hubs, and keys split by one
/// side's client rebuilt by the other side's client. Skipped (loudly) where no copy of the
/// reference exists; see ReferenceImplementation.
@Suite("interop with the Python reference", .enabled(if: ReferenceImplementation.isAvailable, "no copy of the Python reference on this machine"))
struct InteropTests {
    /// Sizes the reference accepts (multiples of 8, 32 and up); one key per call is all it does.
    static let sizes = [128, 256]

    @Test("reference client through our hubs: keys split by either client are rebuilt by the other")
    func referenceClientThroughOurHubs() async throws {
        try await TestNetwork.with(start: false) { network in
            let reference = try await ReferenceImplementation.prepare(in: network.directory)
            for hub in network.spec.hubs { try await network.start(node: hub) }
            // carol (sam) is the reference's client; connie (sofia) is ours.
            try await network.start(node: "connie")
            let hubURLs = network.spec.hubs.map(network.baseURL)
            let carolLog = "\(network.directory)/reference-carol.log"
            let carol = try await ReferenceImplementation.start(
                reference, module: "client",
                ["carol", "--port", String(network.port("carol")), "--hubs"] + hubURLs + ["--encryptors", "sam"],
                log: carolLog, network: network)
            try await ReferenceImplementation.waitUntilUp("\(network.baseURL("carol"))/mgmt/v1/status", process: carol, log: carolLog)

            for size in Self.sizes {
                // Split by the reference (it needs a moment to register and fetch PSRD: retry).
                let made = try await Self.retrying { try await network.getKey(master: "sam", slave: "sofia", size: size) }
                try #require(made.status == 200, "reference Get key: \(made)\n\(Self.tail(carolLog))")
                let key = try TestNetwork.keys(in: made)[0]
                #expect(Data(base64Encoded: key.value)?.count == size / 8)
                let rebuilt = try await network.getKeyWithIDs(master: "sam", slave: "sofia", ids: [key.id])
                try #require(rebuilt.status == 200, "our Get key with key IDs: \(rebuilt)\n\(network.log("connie").suffix(2000))")
                #expect(try TestNetwork.keys(in: rebuilt) == [key])

                // Split by ours, rebuilt by the reference.
                let ours = try await network.getKey(master: "sofia", slave: "sam", size: size)
                try #require(ours.status == 200, "our Get key: \(ours)")
                let ourKey = try TestNetwork.keys(in: ours)[0]
                let theirs = try await network.getKeyWithIDs(master: "sofia", slave: "sam", ids: [ourKey.id])
                try #require(theirs.status == 200, "reference Get key with key IDs: \(theirs)\n\(Self.tail(carolLog))")
                #expect(try TestNetwork.keys(in: theirs) == [ourKey])
            }
        }
    }

    @Test("our clients through reference hubs, alone and with a reference client on the other side")
    func ourClientsThroughReferenceHubs() async throws {
        try await TestNetwork.with(start: false) { network in
            let reference = try await ReferenceImplementation.prepare(in: network.directory)
            var processes: [(String, Process, String)] = []
            for hub in network.spec.hubs {
                let log = "\(network.directory)/reference-\(hub).log"
                let process = try await ReferenceImplementation.start(
                    reference, module: "hub", [hub, "--port", String(network.port(hub))], log: log, network: network)
                processes.append((hub, process, log))
            }
            for (hub, process, log) in processes {
                try await ReferenceImplementation.waitUntilUp("\(network.baseURL(hub))/mgmt/v1/status", process: process, log: log)
            }
            // Ours: carol (sam), connie (sofia). The reference's: celia (serena).
            try await network.start(node: "carol")
            try await network.start(node: "connie")
            let celiaLog = "\(network.directory)/reference-celia.log"
            let celia = try await ReferenceImplementation.start(
                reference, module: "client",
                ["celia", "--port", String(network.port("celia")), "--hubs"] + network.spec.hubs.map(network.baseURL)
                    + ["--encryptors", "serena"],
                log: celiaLog, network: network)
            try await ReferenceImplementation.waitUntilUp("\(network.baseURL("celia"))/mgmt/v1/status", process: celia, log: celiaLog)

            for size in Self.sizes {
                // Ours on both sides, through the reference's hubs (one share message per key:
                // the reference hubs have no batch extension).
                try await network.keyPair(master: "sam", slave: "sofia", size: size)
                try await network.keyPair(master: "sofia", slave: "sam", size: size, number: 3)

                // Split by the reference client, rebuilt by ours.
                let made = try await Self.retrying { try await network.getKey(master: "serena", slave: "sofia", size: size) }
                try #require(made.status == 200, "reference Get key: \(made)\n\(Self.tail(celiaLog))")
                let key = try TestNetwork.keys(in: made)[0]
                let rebuilt = try await network.getKeyWithIDs(master: "serena", slave: "sofia", ids: [key.id])
                try #require(rebuilt.status == 200, "our Get key with key IDs: \(rebuilt)")
                #expect(try TestNetwork.keys(in: rebuilt) == [key])

                // Split by ours, rebuilt by the reference client.
                let ours = try await network.getKey(master: "sam", slave: "serena", size: size)
                try #require(ours.status == 200, "our Get key: \(ours)")
                let ourKey = try TestNetwork.keys(in: ours)[0]
                let theirs = try await network.getKeyWithIDs(master: "sam", slave: "serena", ids: [ourKey.id])
                try #require(theirs.status == 200, "reference Get key with key IDs: \(theirs)\n\(Self.tail(celiaLog))")
                #expect(try TestNetwork.keys(in: theirs) == [ourKey])
            }
        }
    }

    /// The reference answers 5xx until it has registered and has PSRD; retry for a while.
    static func retrying(_ call: () async throws -> HTTPResult) async throws -> HTTPResult {
        var reply = try await call()
        for _ in 0..<60 where reply.status != 200 {
            try await Task.sleep(for: .milliseconds(500))
            reply = try await call()
        }
        return reply
    }

    static func tail(_ path: String) -> String {
        String(((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").suffix(2000))
    }
}
