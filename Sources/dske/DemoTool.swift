import Foundation

/// Runs a helper program for the demo (psrd-courier, mkfs.ext4, mount) and waits for it: its
/// output is returned, its failure becomes one line naming the command and what it said.
enum DemoTool {
    /// `name` is looked up in PATH (and the sbin directories, where mkfs and mount live) unless
    /// it is a path.
    @discardableResult
    static func run(_ name: String, _ arguments: [String]) throws(CLIError) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: name.contains("/") ? name : locate(name))
        process.arguments = arguments
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("dske-demo-tool-\(UUID().uuidString)")
        // Files, not pipes: a chatty child can never block on a full pipe.
        let outPath = scratch.path + ".out", errPath = scratch.path + ".err"
        FileManager.default.createFile(atPath: outPath, contents: nil)
        FileManager.default.createFile(atPath: errPath, contents: nil)
        defer {
            try? FileManager.default.removeItem(atPath: outPath)
            try? FileManager.default.removeItem(atPath: errPath)
        }
        let summary = ([(name as NSString).lastPathComponent] + arguments.prefix(3)).joined(separator: " ")
        do {
            let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
            let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
            defer { try? out.close(); try? err.close() }
            process.standardOutput = out
            process.standardError = err
            process.standardInput = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
        } catch {
            throw CLIError(.failure, "cannot run \(summary): \(error.localizedDescription)")
        }
        let stdout = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        guard process.terminationStatus == 0 else {
            let stderr = ((try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            throw CLIError(.failure, "\(summary)... failed (exit \(process.terminationStatus)): \(stderr.isEmpty ? stdout : stderr)")
        }
        return stdout
    }

    static func locate(_ name: String) -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = path.split(separator: ":").map(String.init) + ["/usr/local/sbin", "/usr/sbin", "/sbin"]
        for directory in directories where FileManager.default.isExecutableFile(atPath: directory + "/" + name) {
            return directory + "/" + name
        }
        return "/usr/bin/" + name
    }

    /// psrd-courier from the same build as this dske (its directory), else from PATH.
    static func courierExecutable() throws(CLIError) -> String {
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let sibling = URL(fileURLWithPath: me).deletingLastPathComponent().appendingPathComponent("psrd-courier").path
        if FileManager.default.isExecutableFile(atPath: sibling) { return sibling }
        let found = locate("psrd-courier")
        guard FileManager.default.isExecutableFile(atPath: found) else {
            throw CLIError(.failure, "psrd-courier not found next to dske (\(sibling)) or in PATH: build it (make build)")
        }
        return found
    }
}
