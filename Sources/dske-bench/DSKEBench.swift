import ArgumentParser

/// `dske-bench`: the project's benchmarks. Run through `make bench` (release build); each
/// subcommand prints one line per figure, `name: value unit`, so docs/performance.md can quote it.
@main
struct DSKEBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dske-bench",
        abstract: "Measure the figures the issues name (run it from a release build).",
        subcommands: [CryptoBench.self, PoolBench.self, NetworkBench.self, HTTPFloorBench.self, TLSBench.self, CourierBench.self, CardBench.self]
    )
}
