import ArgumentParser
import Foundation

/// `--config PATH`, shared by every command that reads the topology.
struct ConfigOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The network's configuration file.", valueName: "path"))
    var config: String = "./dske-config.yaml"

    /// The configuration file as an absolute path, so that nodes started from another directory
    /// read the same file.
    var absolutePath: String {
        URL(fileURLWithPath: config, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
            .standardizedFileURL.path
    }

    func loadTopology() throws(CLIError) -> Topology {
        try Topology.load(path: absolutePath)
    }
}
