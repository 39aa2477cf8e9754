import Foundation

/// The demo's out-of-band step done the way the product does it: psrd-courier (the same program
/// an operator runs, so there is one implementation) enrols every client at every hub, issues
/// each pair a sealed bundle onto the medium, imports it at the client, and finally imports the
/// hubs' sealed copies from their courier inboxes.
struct DemoCourierDelivery {
    let courier: String
    let configPath: String
    let keyDirectory: String
    let medium: DemoMedium
    let bundleSize: String

    func deliver(hubs: [String], clients: [String]) throws(CLIError) {
        do {
            try FileManager.default.createDirectory(atPath: keyDirectory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw CLIError(.failure, "cannot create \(keyDirectory): \(error.localizedDescription)")
        }
        guard let firstHub = hubs.first, let firstClient = clients.first else { return }
        print("Courier delivery of PSRD for each of the \(clients.count * hubs.count) client-hub pairs, with psrd-courier:")
        print("  $ psrd-courier enrol --hub \(firstHub) --client \(firstClient) --key-file \(keyFile(firstClient, firstHub))")
        print("  $ psrd-courier issue --hub \(firstHub) --client \(firstClient) --to \(medium.path) --size \(bundleSize) --allow-any-target")
        print("  $ psrd-courier import --from \(medium.path) --node \(firstClient) --key-file \(keyFile(firstClient, firstHub)) --wipe")
        for client in clients {
            for hub in hubs {
                try courierRun(["enrol", "--hub", hub, "--client", client, "--key-file", keyFile(client, hub)])
                try courierRun(["issue", "--hub", hub, "--client", client, "--to", medium.path, "--size", bundleSize,
                                "--allow-any-target"])
                try courierRun(["import", "--from", medium.path, "--node", client, "--key-file", keyFile(client, hub), "--wipe"])
            }
            print("  \(client): enrolled at \(hubs.count) hubs; \(hubs.count) bundles of \(bundleSize) issued, imported and wiped from the medium")
        }
        print("  $ psrd-courier import --node \(firstHub)    (each hub's sealed copies, from its courier inbox)")
        for hub in hubs {
            try courierRun(["import", "--node", hub])
        }
        print("  hubs \(hubs.joined(separator: ", ")): \(clients.count) copies each imported")
    }

    private func keyFile(_ client: String, _ hub: String) -> String { "\(keyDirectory)/\(client)-\(hub).key" }

    private func courierRun(_ arguments: [String]) throws(CLIError) {
        try DemoTool.run(courier, arguments + ["--config", configPath])
    }
}
