import Foundation
import Testing
@testable import DSKEConfig

/// Deterministic fuzzing of the configuration reader: mutations of the shipped file and random
/// YAML must never crash it; every refusal carries at least one issue with its place, and an
/// accepted file yields a consistent topology.
@Suite struct ConfigFuzzTests {
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let sample = """
        base_port: 8100
        start_request_psrd_threshold: 500
        stop_request_psrd_threshold: 2000
        get_psrd_block_size: 2000
        min_nr_shares: 3
        out_of_band: http
        data_directory: data
        host: 127.0.0.1
        default_key_size: 256
        authenticator: hmac-sha256
        hubs:
          - name: hank
          - name: helen
          - name: hilary
        clients:
          - name: carol
            encryptors:
              - name: sam
          - name: curtis
            encryptors: [{name: sunny}, {name: susan}]
        """

    static let tokens = ["\n", "  ", "\t", ":", "- ", "[", "]", "{", "}", ",", "&a ", "*a", "!!str ", "!!binary ", "? ",
                         "'", "\"", "#", "|", ">", "---\n", "...\n", "~", "null", "-1", "0", "65536", "99999999999999999999",
                         "0x10", "1:20", "1e3", "é", "😀", "\u{0}", "\u{FEFF}", "name: x\n", "hubs:\n", "clients:\n",
                         String(repeating: "[", count: 40), String(repeating: "- ", count: 40)]

    static func mutate(_ text: String, _ rng: inout SeededGenerator) -> String {
        var scalars = Array(text.unicodeScalars)
        for _ in 0..<Int.random(in: 1...3, using: &rng) {
            let position = scalars.isEmpty ? 0 : Int.random(in: 0..<scalars.count, using: &rng)
            switch Int.random(in: 0..<5, using: &rng) {
            case 0 where !scalars.isEmpty:
                scalars[position] = Unicode.Scalar(UInt8.random(in: 0x20...0x7E, using: &rng))
            case 1:
                scalars = Array(scalars.prefix(position))
            case 2 where !scalars.isEmpty:
                scalars.removeSubrange(position..<min(scalars.count, position + Int.random(in: 1...10, using: &rng)))
            case 3 where !scalars.isEmpty:
                let end = min(scalars.count, position + Int.random(in: 1...30, using: &rng))
                scalars.insert(contentsOf: scalars[position..<end], at: position)
            default:
                scalars.insert(contentsOf: tokens.randomElement(using: &rng)!.unicodeScalars, at: position)
            }
        }
        var result = String.UnicodeScalarView()
        result.append(contentsOf: scalars)
        return String(result)
    }

    @Test func mutatedFilesNeverCrashTheReader() {
        var rng = SeededGenerator(state: 42)
        var accepted = 0
        for index in 0..<1500 {
            let yaml: String
            if index % 5 == 0 {
                yaml = String((0..<Int.random(in: 0...80, using: &rng)).map { _ in
                    Character(Self.tokens.randomElement(using: &rng)!.unicodeScalars.first!)
                })
            } else {
                yaml = Self.mutate(Self.sample, &rng)
            }
            do {
                let config = try DSKEConfiguration.parse(yaml: yaml, sourceName: "fuzz.yaml", baseDirectory: "/tmp")
                accepted += 1
                let names = config.nodes.map(\.name)
                #expect(Set(names).count == names.count)
                #expect(config.nodes.map(\.port) == Array(config.basePort..<(config.basePort + names.count)))
                #expect(config.nodes.allSatisfy { $0.port <= 65535 })
                #expect((1...config.hubs.count).contains(config.minNrShares))
                #expect(config.startRequestPSRDThreshold < config.stopRequestPSRDThreshold)
                let encryptors = config.clients.flatMap(\.encryptors)
                #expect(Set(encryptors).count == encryptors.count)
            } catch {
                #expect(!error.issues.isEmpty)
                #expect(error.issues.allSatisfy { $0.source == "fuzz.yaml" && !$0.message.isEmpty && !$0.description.contains("\n") },
                        "\(error)")
            }
        }
        #expect(accepted > 0)
    }
}
