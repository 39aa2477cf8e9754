import Foundation
import Testing

/// The full topology (5 hubs, 5 clients) on courier-delivered PSRD only: every pair enrolled and
/// issued a bundle, imported into stopped nodes and into running ones, key pairs over ETSI 014,
/// and the warning that names the pair needing its next bundle.
@Suite struct CourierNetworkTests {
    @Test("courier mode: bundles only, imports into stopped and running nodes, key pairs, a low-pool warning")
    func fullTopologyOnBundles() async throws {
        var spec = NetworkSpec()
        spec.outOfBand = "courier"
        spec.extraSettings = ["low_pool_warning_percent: 50"]
        try await TestNetwork.with(spec, start: false) { network in
            let clients = spec.clients.map(\.name)
            // carol's bundles are small, so her pools run low after a few dozen keys.
            for hub in spec.hubs {
                for client in clients {
                    try await network.enrolAndIssue(client: client, hub: hub, size: client == "carol" ? "8192" : "262144")
                }
            }
            for client in clients {
                for hub in spec.hubs {
                    let result = try await network.importAtClient(client, hub: hub)
                    #expect(result.stdout.contains("added to the stopped node's store"), "\(result)")
                }
            }
            // Every hub but hank while stopped; hank once it runs.
            for hub in spec.hubs where hub != "hank" { try await network.importAtHub(hub) }
            try await network.start()
            let intoRunningHub = try await network.importAtHub("hank")
            #expect(intoRunningHub.stdout.contains("handed to the running node"), "\(intoRunningHub)")
            // A second bundle for one pair, into both running nodes.
            try await network.issue(client: "connie", hub: "helen", size: "65536")
            let intoRunningClient = try await network.importAtClient("connie", hub: "helen")
            #expect(intoRunningClient.stdout.contains("handed to the running node"), "\(intoRunningClient)")
            #expect(try await network.importAtHub("helen").stdout.contains("handed to the running node"))
            // Replaying it into the running node is refused there.
            try await network.issue(client: "cindy", hub: "hugo", size: "4096")
            try FileManager.default.copyItem(atPath: network.mediumDirectory(client: "cindy", hub: "hugo"), toPath: network.medium + "/replay")
            try await network.importAtClient("cindy", hub: "hugo")
            let replay = try await network.courier(["import", "--from", network.medium + "/replay", "--node", "cindy",
                                                    "--key-file", network.keyFile(client: "cindy", hub: "hugo")])
            #expect(replay.status == 1 && replay.stderr.contains("replayed bundle"), "\(replay)")

            // No out-of-band HTTP, and the hubs know every client from enrolment alone.
            let oob = try await HTTP.get(network.baseURL("hank") + "/dske/oob/v1/psrd?client_name=carol&pool_owner=client&size=16")
            #expect(oob.status == 404, "\(oob)")
            let hubStatus = try await HTTP.get(network.baseURL("hugo") + "/mgmt/v1/status")
            let registered = (hubStatus.object?["registrations"] as? [[String: Any]])?.compactMap { $0["client_name"] as? String }
            #expect(Set(registered ?? []) == Set(clients), "\(hubStatus)")

            try await network.keyPair(master: "sam", slave: "sofia")
            try await network.keyPair(master: "serena", slave: "susan", number: 4)
            try await network.keyPair(master: "sunny", slave: "sam")

            // Use carol's pools until her status names a pair that needs a new bundle.
            var status = try await network.dske(["status", "--node", "carol"])
            for _ in 0..<40 where !status.stdout.contains("warning: carol↔") {
                try await network.keyPair(master: "sam", slave: "sofia", number: 8)
                status = try await network.dske(["status", "--node", "carol"])
            }
            #expect(status.stdout.contains("warning: carol↔") && status.stdout.contains("psrd-courier issue --hub")
                    && status.stdout.contains("--client carol"), "\(status)")
            var logged = false
            for _ in 0..<100 where !logged {
                logged = network.log("carol").contains("PSRD running low: carol↔")
                if !logged { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(logged, "\(network.log("carol").suffix(2000))")
        }
    }
}
