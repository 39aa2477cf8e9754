import ArgumentParser
import Courier
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// psrd-courier's smart-card commands with the virtual card (devices/virtual-card), as an
/// operator runs them: each figure is a whole psrd-courier process (start included; the start
/// alone is reported too), with the APDUs and bytes that crossed PC/SC (psrd-courier reports
/// them with PSRD_COURIER_APDU_STATS). Once with extended-length APDUs, once with short ones
/// (`up --no-extended`, as most real cards and readers). Needs pcscd and vsmartcard-vpcd
/// (make setup) and a release psrd-courier next to dske-bench.
struct CardBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "card",
        abstract: "psrd-courier enrol/import/issue with the virtual card: times, APDUs, bytes per APDU.")

    @Option(help: "Virtual reader to use (0 or 1; the tests use 1).")
    var reader = 0

    @Option(help: "PSRD bytes of the bundle written onto the card.")
    var cardBundle = "48KiB"

    @Option(help: "PSRD bytes of the USB bundle opened with the card's key.")
    var usbBundle = "1MiB"

    @Option(help: "Rounds of each measurement; the best time is reported.")
    var rounds = 5

    /// One psrd-courier run: wall time and the card sessions' APDU counts.
    struct Sample {
        var seconds: Double
        var commands = 0
        var bytes = 0
        var largestCommand = 0
    }

    func run() async throws {
        let courier = try CourierBench.courierExecutable()
        for extended in [true, false] {
            for (name, value) in try measure(courier: courier, extended: extended) { print("\(name): \(value)") }
        }
    }

    private func measure(courier: String, extended: Bool) throws -> [(String, String)] {
        let root = try BenchSupport.scratchDirectory(prefix: "dske-bench-card")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let control = ["python3", CourierBench.repository + "/devices/virtual-card/vcardctl.py"]
        let up = try Self.run("/usr/bin/env", control + ["up", "--run", root + "/run", "--reader", String(reader),
                                                          "--state", root + "/card.json"] + (extended ? [] : ["--no-extended"]))
        guard up.status == 0 else { throw ValidationError("devices/virtual-card/up failed: \(up.output)") }
        defer { _ = try? Self.run("/usr/bin/env", control + ["down", "--run", root + "/run"]) }
        let cardReader = up.output.trimmingCharacters(in: .whitespacesAndNewlines)
        try """
            min_nr_shares: 1
            data_directory: \(root)/data
            hubs:
              - name: hank
            clients:
              - name: carol
              - name: dave
            """.write(toFile: root + "/dske-config.yaml", atomically: true, encoding: .utf8)
        let pin = root + "/pin"
        _ = FileManager.default.createFile(atPath: pin, contents: Data("246810\n".utf8), attributes: [.posixPermissions: 0o600])
        let config = ["--config", root + "/dske-config.yaml"]
        let card = ["--pin-file", pin]
        // The card subcommands need no configuration: they only talk to the card.
        func courierRun(_ arguments: [String]) throws -> Sample {
            let result = try Self.run(courier, arguments + (arguments[0] == "card" ? [] : config),
                                      environment: ["PSRD_COURIER_APDU_STATS": "1"])
            guard result.status == 0 else { throw ValidationError("psrd-courier \(arguments.joined(separator: " ")): \(result.output)") }
            return Self.sample(result)
        }

        var start = Double.infinity
        var enrol = Sample(seconds: .infinity), importKey = Sample(seconds: .infinity)
        var issue = Sample(seconds: .infinity), importCard = Sample(seconds: .infinity)
        var importKeyFile = Sample(seconds: .infinity)
        let medium = root + "/medium"
        try FileManager.default.createDirectory(atPath: medium, withIntermediateDirectories: true)
        // dave has a key file: the same import without a card, for the card's share of the time.
        _ = try courierRun(["enrol", "--hub", "hank", "--client", "dave", "--key-file", root + "/dave.key"])
        for round in 0..<rounds {
            start = min(start, try Self.run(courier, ["--version"]).seconds)
            if round > 0 { _ = try courierRun(["card", "erase"] + card) }
            enrol = Self.best(enrol, try courierRun(["enrol", "--hub", "hank", "--client", "carol", "--card", "--reader", cardReader,
                                                     "--force"] + card))
            _ = try courierRun(["issue", "--hub", "hank", "--client", "carol", "--to", medium, "--size", usbBundle,
                                "--allow-any-target"])
            importKey = Self.best(importKey, try courierRun(["import", "--from", medium, "--node", "carol", "--card", "--wipe"] + card))
            _ = try courierRun(["issue", "--hub", "hank", "--client", "dave", "--to", medium, "--size", usbBundle,
                                "--allow-any-target"])
            importKeyFile = Self.best(importKeyFile, try courierRun(["import", "--from", medium, "--node", "dave",
                                                                     "--key-file", root + "/dave.key", "--wipe"]))
            issue = Self.best(issue, try courierRun(["issue", "--hub", "hank", "--client", "carol", "--to", "card:" + cardReader,
                                                     "--size", cardBundle] + card))
            importCard = Self.best(importCard, try courierRun(["import", "--from", "card:" + cardReader, "--node", "carol",
                                                               "--wipe"] + card))
            _ = try courierRun(["import", "--node", "hank"])
        }
        let mode = extended ? "extended" : "short"
        var figures: [(String, String)] = [("card.\(mode).process_start", Self.ms(start)),
                                           ("card.\(mode).import_usb_\(usbBundle)_with_key_file", Self.ms(importKeyFile.seconds))]
        for (name, sample) in [("enrol", enrol), ("import_usb_\(usbBundle)_with_card_key", importKey),
                               ("issue_to_card_\(cardBundle)", issue), ("import_from_card_\(cardBundle)_and_delete", importCard)] {
            figures.append(("card.\(mode).\(name)", Self.ms(sample.seconds)))
            figures.append(("card.\(mode).\(name).apdus", "\(sample.commands) APDUs"))
            figures.append(("card.\(mode).\(name).bytes_per_apdu", "\(sample.commands == 0 ? 0 : sample.bytes / sample.commands) bytes"))
            figures.append(("card.\(mode).\(name).largest_command", "\(sample.largestCommand) bytes"))
        }
        return figures
    }

    static func best(_ a: Sample, _ b: Sample) -> Sample { b.seconds < a.seconds ? b : a }

    static func ms(_ seconds: Double) -> String { String(format: "%.1f ms", seconds * 1000) }

    /// Sums psrd-courier's "card: N APDUs, S bytes sent, R bytes received, largest command C
    /// bytes, ..." lines (one per card session).
    static func sample(_ result: (status: Int32, output: String, seconds: Double)) -> Sample {
        var sample = Sample(seconds: result.seconds)
        for line in result.output.split(separator: "\n") where line.hasPrefix("psrd-courier: card: ") {
            let numbers = line.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
            guard numbers.count >= 4 else { continue }
            sample.commands += numbers[0]
            sample.bytes += numbers[1] + numbers[2]
            sample.largestCommand = max(sample.largestCommand, numbers[3])
        }
        return sample
    }

    /// Runs a program to its end; stdout and stderr together through a file (pcscd, started by
    /// `up`, must not hold a pipe open). posix_spawn and waitpid: no dispatch latency in the time.
    static func run(_ executable: String, _ arguments: [String],
                    environment: [String: String] = [:]) throws -> (status: Int32, output: String, seconds: Double) {
        let path = NSTemporaryDirectory() + "dske-bench-card-out-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: path) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        let merged = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in envp { free(pointer) } }
        var pid: pid_t = 0
        let start = ContinuousClock.now
        let code = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard code == 0 else { throw ValidationError("cannot start \(executable): \(String(cString: strerror(code)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let exit = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return (exit, (try? String(contentsOfFile: path, encoding: .utf8)) ?? "", seconds)
    }
}
