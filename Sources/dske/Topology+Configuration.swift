import DSKEConfig

// TEMPORARY until DSKEConfig lands: the adapter from DSKEConfiguration.
extension Topology {
    static func load(path: String) throws(CLIError) -> Topology {
        throw CLIError(.configuration, "configuration loading not yet available")
    }
    static func loadConfiguration(path: String) throws(CLIError) -> Int { 0 }
    static func writeDemoConfiguration(to path: String, scratch: String, basePort: Int?) throws(CLIError) {}
}
