import ArgumentParser

struct CryptoBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "crypto", abstract: "Shamir split+reconstruct, HMAC-SHA256 and Poly1305.")
    func run() async throws { print("crypto: not yet measured") }
}
