import ArgumentParser
import Foundation

/// `dske demo`: the whole courier flow on the embedded default topology, in a scratch directory.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the whole courier flow on the default network in a scratch directory, then clean up.",
        discussion: """
            Writes the embedded default configuration (five hubs, five clients) with \
            out_of_band: courier into a new temporary directory with its run and data directories \
            inside it. Then, with psrd-courier: enrols every client at every hub, issues each pair \
            a sealed PSRD bundle onto a USB medium (an ext4 image loop-mounted in the scratch \
            directory when running as root and loop mounts work, else a plain directory) and \
            imports it at the client, and imports the hubs' copies. Starts every node in courier \
            mode, obtains a key pair for encryptors sam (at carol) and sofia (at connie) over ETSI \
            GS QKD 014 exactly as get-key-pair does, prints it, stops every node, unmounts the \
            medium and removes the directory (kept with --keep, for its logs). With --http the \
            nodes exchange PSRD over the reference's HTTP simulation instead, without psrd-courier.
            """
    )

    @Option(name: .long, help: ArgumentHelp("First port of the demo network (hubs first, then clients).", valueName: "port"))
    var basePort: Int?

    @Flag(name: .long, help: "Keep the scratch directory (configuration, logs, pools) afterwards.")
    var keep = false

    @Flag(name: .long, help: "Deliver PSRD over the reference's HTTP simulation instead of courier bundles.")
    var http = false

    /// PSRD per client-hub pair: plenty for the demo's key, quick to issue 25 times.
    static let bundleSize = "256KiB"

    func run() async throws {
        try await reportingErrors { () async throws(CLIError) in
            let directory = try Self.makeScratchDirectory()
            let configPath = "\(directory)/dske-config.yaml"
            let medium = http ? nil : DemoMedium.prepare(in: directory)
            defer {
                medium?.release()
                if keep {
                    printNote("kept \(directory)")
                } else {
                    try? FileManager.default.removeItem(atPath: directory)
                }
            }
            try Topology.writeDemoConfiguration(to: configPath, scratch: directory, basePort: basePort,
                                                outOfBand: http ? "http" : "courier")
            let topology = try Topology.load(path: configPath)
            let supervisor = NodeSupervisor(topology: topology)
            // A kill aimed at the demo alone (not at its process group) must not orphan the nodes.
            let signals = Self.stopNodesOnSignal(files: supervisor.files, nodes: topology.nodes, medium: medium,
                                                 scratch: keep ? nil : directory)
            defer { signals.forEach { $0.cancel() } }
            print("Demo network in \(directory): \(topology.hubs.count) hubs, \(topology.clients.count) clients, "
                  + (http ? "PSRD over the HTTP simulation" : "PSRD by courier"))
            if let medium {
                print(medium.description)
                try DemoCourierDelivery(courier: try DemoTool.courierExecutable(), configPath: configPath,
                                        keyDirectory: directory + "/keys", medium: medium, bundleSize: Self.bundleSize)
                    .deliver(hubs: topology.hubs.map(\.name), clients: topology.clients.map(\.name))
            }
            print("Starting \(topology.hubs.count) hubs and \(topology.clients.count) clients"
                  + (http ? "" : " in courier mode (no out-of-band HTTP endpoints)"))
            // Not detached: the nodes share the demo's process group, so a Ctrl-C ends them too.
            _ = try await supervisor.start(topology.nodes, timeout: .seconds(60), detach: false) { print($0) }
            let result: Result<[DeliveredKey], CLIError>
            do throws(CLIError) {
                print("Get key for sam (master) at carol, then Get key with key IDs for sofia (slave) at connie (ETSI GS QKD 014):")
                result = .success(try await KeyPair.obtain(topology: topology, master: "sam", slave: "sofia", size: nil, number: nil))
            } catch {
                result = .failure(error)
            }
            print("Stopping the network")
            let stopped = await supervisor.stop(topology.nodes, timeout: .seconds(10))
            let keys = try result.get()
            KeyOutputOptions(json: false).print(keys)
            let failures = stopped.compactMap { if case .failed(let message) = $0.1 { message } else { nil } }
            if !failures.isEmpty { throw CLIError(.failure, failures.joined(separator: "; ")) }
            if medium?.image != nil { print("Unmounting the USB medium") }
        }
    }

    /// On SIGINT or SIGTERM: SIGTERM to every node from its pid file, SIGKILL to any still there
    /// a few seconds later, the medium unmounted, the scratch directory removed, exit 128+signal.
    static func stopNodesOnSignal(files: RunFiles, nodes: [Topology.Node], medium: DemoMedium?,
                                  scratch: String?) -> [any DispatchSourceSignal] {
        [SIGINT, SIGTERM].map { (signalNumber: Int32) -> any DispatchSourceSignal in
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                let pids = nodes.compactMap { files.livePID(for: $0) }
                for pid in pids { ProcessControl.send(SIGTERM, to: pid) }
                for _ in 0..<50 where pids.contains(where: ProcessControl.isAlive) { usleep(100_000) }
                for pid in pids where ProcessControl.isAlive(pid) { ProcessControl.send(SIGKILL, to: pid) }
                medium?.release()
                if let scratch { try? FileManager.default.removeItem(atPath: scratch) }
                Foundation.exit(128 + signalNumber)
            }
            source.resume()
            return source
        }
    }

    static func makeScratchDirectory() throws(CLIError) -> String {
        let base = ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
        var template = Array("\(base)/dske-demo.XXXXXX".utf8CString)
        guard let pointer = mkdtemp(&template) else {
            throw CLIError(.failure, "cannot create a scratch directory under \(base)")
        }
        return String(cString: pointer)
    }
}
