import ArgumentParser

struct PoolBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "pool", abstract: "Allocate-then-take pairs, in memory and durable.")
    func run() async throws { print("pool: not yet measured") }
}
