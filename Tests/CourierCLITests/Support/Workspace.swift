import Courier
import DSKECore
import Foundation
import PSRDStore
import Testing

/// A scratch directory with a dske-config.yaml (hubs hank and helen, clients carol and dave),
/// the nodes' data directories under data/, and helpers that run psrd-courier in it. Removed
/// when the test lets go of it.
final class Workspace: @unchecked Sendable {
    let directory: String

    /// A port range of its own: an import into a "running" node must never reach a node some
    /// other test started on the default ports.
    static func config(basePort: Int) -> String { """
        min_nr_shares: 1
        base_port: \(basePort)
        data_directory: data
        hubs:
          - name: hank
          - name: helen
        clients:
          - name: carol
            encryptors:
              - name: sam
          - name: dave
            encryptors:
              - name: dana
        """
    }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("courier-cli-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Self.config(basePort: Int.random(in: 2_000..<6_000) * 10)
            .write(toFile: directory + "/dske-config.yaml", atomically: true, encoding: .utf8)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: directory)
    }

    func path(_ relative: String) -> String { directory + "/" + relative }
    func dataDirectory(_ node: String) -> String { directory + "/data/" + node }
    func inbox(_ hub: String) -> String { dataDirectory(hub) + "/courier/inbox" }

    /// `psrd-courier ARGUMENTS` in the workspace (so ./dske-config.yaml is the default).
    @discardableResult
    func courier(_ arguments: String..., environment: [String: String] = [:]) throws -> Command.Result {
        try courier(arguments, environment: environment)
    }

    func courier(_ arguments: [String], environment: [String: String] = [:]) throws -> Command.Result {
        try Command.run(Command.courier, arguments, directory: directory, environment: environment)
    }

    /// `WRAPPER... psrd-courier ARGUMENTS`, e.g. under faketime.
    func courier(via wrapper: [String], _ arguments: [String]) throws -> Command.Result {
        try Command.run(wrapper[0], Array(wrapper.dropFirst()) + [Command.courier] + arguments, directory: directory)
    }

    /// Enrols `client` at `hub`; returns the key file.
    func enrol(_ client: String, at hub: String) throws -> String {
        let keyFile = path("\(client)-at-\(hub).key")
        let result = try courier("enrol", "--hub", hub, "--client", client, "--key-file", keyFile)
        try #require(result.succeeded, "enrol failed: \(result)")
        return keyFile
    }

    /// Issues a bundle and returns the client's bundle file.
    func issue(_ hub: String, _ client: String, to target: String, size: String = "256KiB",
               extra: [String] = ["--block-size", "64KiB", "--allow-any-target"]) throws -> String {
        let result = try courier(["issue", "--hub", hub, "--client", client, "--to", target, "--size", size] + extra)
        try #require(result.succeeded, "issue failed: \(result)")
        let line = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("bundle ") })
        return String(try #require(line.split(separator: ": ").last))
    }

    /// `*.dskb` files, and temporaries of interrupted issues, in a directory.
    static func files(in directory: String) -> (bundles: [String], partials: [String]) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return (names.filter { $0.hasSuffix(".dskb") && !$0.hasPrefix(".") }.sorted(),
                names.filter { $0.hasSuffix(".partial") }.sorted())
    }

    /// Staging files an import left in a node's store directory.
    func stagingLeftovers(_ node: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dataDirectory(node) + "/blocks")) ?? []
        return names.filter { !$0.hasSuffix(".psrd") }
    }

    /// The pools of a node as its store reports them (opening the store, so the node must be
    /// stopped); empty for a node with no store.
    func levels(_ node: String, role: PoolOwner) async throws -> [PoolLevel] {
        guard FileManager.default.fileExists(atPath: dataDirectory(node) + "/store.sqlite") else { return [] }
        let store = try await NodeStore(directory: dataDirectory(node), localRole: role)
        let levels = await store.levels()
        try await store.close()
        return levels
    }

    /// Proves the client's and the hub's pools byte-identical through the stores' own APIs: every
    /// byte of each own pool is allocated on its owner's side and taken, by the same allocation,
    /// on the other. Consumes the pools. Returns the bytes compared.
    func comparePools(client: String, hub: String) async throws -> Int {
        let clientStore = try await NodeStore(directory: dataDirectory(client), localRole: .client)
        let hubStore = try await NodeStore(directory: dataDirectory(hub), localRole: .hub)
        var compared = 0
        var nonZero = false
        for (owner, other) in [(clientStore, hubStore), (hubStore, clientStore)] {
            let peer = owner === clientStore ? hub : client
            let otherPeer = owner === clientStore ? client : hub
            while case let unused = await owner.unusedBytes(peer: peer, owner: owner.localRole), unused > 0 {
                let (allocation, bytes) = try await owner.allocate(peer: peer, size: min(unused, 256 << 10))
                let taken = try await other.take(peer: otherPeer, allocation: allocation)
                #expect(taken == bytes, "pools differ in allocation \(allocation)")
                if taken != bytes { break }
                nonZero = nonZero || bytes.contains { $0 != 0 }
                compared += bytes.count
            }
        }
        try await clientStore.close()
        try await hubStore.close()
        #expect(nonZero, "the pools hold only zeros")
        return compared
    }
}
