import ArgumentParser
import Courier
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// psrd-courier against the plain tools on the same loop-mounted ext4 image (issue 4's goals):
/// `issue` vs `head -c SIZE /dev/urandom > FILE && sync`, `import` vs `cp` + `sync`, and the
/// peak RSS of the psrd-courier process (VmHWM polled from /proc/PID/status, and ru_maxrss from
/// wait4). Needs root (loop mount) and a release psrd-courier next to dske-bench.
struct CourierBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "courier",
        abstract: "psrd-courier issue/import vs head/cp + sync on an ext4 loop image; peak RSS.")

    @Option(help: "PSRD bytes per bundle (1GiB as the issue asks).")
    var size = "1GiB"

    @Option(help: "Scratch directory on a real disk (the image, the nodes' data).")
    var directory: String?

    @Option(help: "Rounds of each measurement; the best is reported.")
    var rounds = 1

    func run() async throws {
        guard let bytes = ByteCount.parse(size) else { throw ValidationError("--size \(size) is not a size") }
        let courier = try Self.courierExecutable()
        let root = directory ?? NSTemporaryDirectory() + "dske-bench-courier-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let mount = root + "/stick"
        defer {
            _ = try? Self.shell("umount \(mount) 2>/dev/null; true")
            if directory == nil { try? FileManager.default.removeItem(atPath: root) }
        }
        // Room for one bundle or one baseline file at a time, plus file-system overhead.
        let imageMiB = bytes / (1 << 20) + max(64, bytes / (1 << 20) / 10)
        let script = Self.repository + "/devices/usb/make-ext4-stick.sh"
        let made = try Self.shell("'\(script)' '\(root)/stick.img' \(imageMiB)M '\(mount)'")
        guard made.status == 0 else { throw ValidationError("cannot mount the ext4 image: \(made.output)") }
        // The hub's data (its inbox copy) on the scratch disk, which here is also the disk behind
        // the loop image, so issue writes twice to one device while the baseline writes once;
        // then on tmpfs, standing in for a hub whose own disk is not the stick.
        let shm = "/dev/shm/dske-bench-courier-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: shm) }
        var figures: [(String, String)] = []
        for (variant, data) in [("", root + "/data"), (".hub_on_tmpfs", shm + "/data")] {
            let config = try Self.configure(root: variant.isEmpty ? root : shm, data: data, courier: courier)
            figures += try measure(bytes: bytes, courier: courier, config: config, mount: mount, root: root, data: data,
                                   variant: variant)
        }
        for (name, value) in figures { print("\(name): \(value)") }
    }

    /// A one-pair configuration with carol enrolled at hank; returns the --config arguments.
    static func configure(root: String, data: String, courier: String) throws -> [String] {
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try """
            min_nr_shares: 1
            data_directory: \(data)
            hubs:
              - name: hank
            clients:
              - name: carol
            """.write(toFile: root + "/dske-config.yaml", atomically: true, encoding: .utf8)
        let config = ["--config", root + "/dske-config.yaml"]
        let enrol = try spawn(courier, ["enrol", "--hub", "hank", "--client", "carol", "--key-file", root + "/carol.key",
                                        "--force"] + config)
        guard enrol.status == 0 else { throw ValidationError("enrol failed") }
        return config
    }

    private func measure(bytes: Int, courier: String, config: [String], mount: String, root: String, data: String,
                         variant: String) throws -> [(String, String)] {
        let key = URL(fileURLWithPath: config[1]).deletingLastPathComponent().path + "/carol.key"
        var baseline = Double.infinity, issue = Double.infinity, issueNoVerify = Double.infinity
        var issueRSS = 0, importRSS = 0
        var importBaseline = Double.infinity, importTime = Double.infinity
        for _ in 0..<rounds {
            // Issue: the baseline writes random bytes of the same size to the same file system.
            _ = try Self.shell("sync")
            baseline = min(baseline, try Self.timeShell("head -c \(bytes) /dev/urandom > '\(mount)/baseline' && sync"))
            _ = try Self.shell("rm -f '\(mount)/baseline' && sync")

            for verify in [false, true] {
                _ = try Self.shell("rm -f '\(mount)'/*.dskb '\(data)'/hank/courier/inbox/*.dskb; sync")
                let run = try Self.spawn(courier, ["issue", "--hub", "hank", "--client", "carol", "--to", mount,
                                                   "--size", String(bytes), "--allow-any-target"]
                                                  + (verify ? [] : ["--no-verify"]) + config)
                guard run.status == 0 else { throw ValidationError("issue failed (exit \(run.status))") }
                if verify { issue = min(issue, run.seconds) } else { issueNoVerify = min(issueNoVerify, run.seconds) }
                issueRSS = max(issueRSS, run.peakRSS)
            }

            // Import: the baseline copies the bundle from the stick into the file system of the
            // node's store. Both read from the medium, not from the page cache.
            let bundle = try FileManager.default.contentsOfDirectory(atPath: mount).first { $0.hasSuffix(".dskb") }
                .map { mount + "/" + $0 }
            guard let bundle else { throw ValidationError("no bundle on the image") }
            let copy = data + "/copy"
            try FileManager.default.createDirectory(atPath: copy, withIntermediateDirectories: true)
            _ = try Self.shell("sync; echo 3 > /proc/sys/vm/drop_caches")
            importBaseline = min(importBaseline, try Self.timeShell("cp '\(bundle)' '\(copy)/' && sync"))
            _ = try Self.shell("rm -rf '\(copy)' '\(data)/carol'; sync; echo 3 > /proc/sys/vm/drop_caches")
            let run = try Self.spawn(courier, ["import", "--from", mount, "--node", "carol", "--key-file", key] + config)
            guard run.status == 0 else { throw ValidationError("import failed (exit \(run.status))") }
            importTime = min(importTime, run.seconds)
            importRSS = max(importRSS, run.peakRSS)
            _ = try Self.shell("rm -rf '\(data)/carol' '\(mount)'/*.dskb; sync")
        }

        func rate(_ seconds: Double) -> String { String(format: "%.1f MB/s", Double(bytes) / seconds / 1e6) }
        func percent(_ ours: Double, _ theirs: Double) -> String { String(format: "%.0f %%", theirs / ours * 100) }
        func mib(_ kib: Int) -> String { String(format: "%.1f MiB", Double(kib) / 1024) }
        let v = variant
        return [
            ("courier.issue.baseline\(v)", rate(baseline)),
            ("courier.issue\(v)", rate(issue)),
            ("courier.issue\(v).vs_baseline", percent(issue, baseline)),
            ("courier.issue.no_verify\(v)", rate(issueNoVerify)),
            ("courier.issue.no_verify\(v).vs_baseline", percent(issueNoVerify, baseline)),
            ("courier.import.baseline\(v)", rate(importBaseline)),
            ("courier.import\(v)", rate(importTime)),
            ("courier.import\(v).vs_baseline", percent(importTime, importBaseline)),
            ("courier.issue.peak_rss\(v)", mib(issueRSS)),
            ("courier.import.peak_rss\(v)", mib(importRSS)),
        ]
    }

    // MARK: Processes

    struct Run {
        let status: Int32
        let seconds: Double
        /// KiB: the larger of the last VmHWM read and wait4's ru_maxrss.
        let peakRSS: Int
    }

    /// Runs `executable` with output discarded, timing it and tracking its peak RSS.
    static func spawn(_ executable: String, _ arguments: [String]) throws -> Run {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let start = ContinuousClock.now
        let code = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard code == 0 else { throw ValidationError("cannot start \(executable): \(String(cString: strerror(code)))") }
        var highWater = 0
        var status: Int32 = 0
        var usage = rusage()
        while true {
            let result = wait4(pid, &status, WNOHANG, &usage)
            if result == pid { break }
            if result < 0 && errno != EINTR { throw ValidationError("wait4 failed") }
            highWater = max(highWater, vmHWM(pid))
            usleep(20_000)
        }
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let exit = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return Run(status: exit, seconds: seconds, peakRSS: max(highWater, Int(usage.ru_maxrss)))
    }

    /// VmHWM of a running process in KiB (0 once it is gone).
    static func vmHWM(_ pid: pid_t) -> Int {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
        else { return 0 }
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }

    static func shell(_ command: String) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static func timeShell(_ command: String) throws -> Double {
        let run = try spawn("/bin/sh", ["-c", command])
        guard run.status == 0 else { throw ValidationError("'\(command)' failed") }
        return run.seconds
    }

    static var repository: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }

    /// psrd-courier next to this dske-bench (build it with the same configuration).
    static func courierExecutable() throws -> String {
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let path = URL(fileURLWithPath: me).deletingLastPathComponent().appendingPathComponent("psrd-courier").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw ValidationError("\(path) is missing: swift build -c release --product psrd-courier")
        }
        return path
    }
}
