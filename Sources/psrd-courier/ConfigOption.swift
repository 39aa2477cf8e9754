import ArgumentParser
import Courier
import DSKEConfig
import Foundation

/// `--config PATH`, shared by every command that reads the topology.
struct ConfigOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The network's configuration file.", valueName: "path"))
    var config: String = "./" + DSKEConfiguration.defaultFileName

    func load() throws(JobError) -> DSKEConfiguration {
        let path = URL(fileURLWithPath: config).standardizedFileURL.path
        guard FileManager.default.fileExists(atPath: path) else {
            throw .usage("configuration file \(path) does not exist: give --config PATH")
        }
        do {
            return try DSKEConfiguration.load(path: path)
        } catch {
            throw .usage("\(error)")
        }
    }
}

extension DSKEConfiguration {
    func requireHub(_ name: String) throws(JobError) -> NodeConfiguration {
        if let hub = hub(named: name) { return hub }
        if client(named: name) != nil { throw .usage("\(name) is a client, not a hub") }
        throw .usage("no hub named \(name) in the configuration (hubs: \(hubs.map(\.name).joined(separator: ", ")))")
    }

    func requireClient(_ name: String) throws(JobError) -> NodeConfiguration {
        if let client = client(named: name) { return client }
        if hub(named: name) != nil { throw .usage("\(name) is a hub, not a client") }
        throw .usage("no client named \(name) in the configuration (clients: \(clients.map(\.name).joined(separator: ", ")))")
    }

    func requireNode(_ name: String) throws(JobError) -> NodeConfiguration {
        if let node = node(named: name) { return node }
        throw .usage("no node named \(name) in the configuration")
    }
}
