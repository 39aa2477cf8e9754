import Foundation

/// The files the manager keeps per node in the run directory: `NAME.log` (the node's stdout and
/// stderr, appended across runs) and `NAME.pid` (the process the manager started).
struct RunFiles: Sendable {
    let directory: String

    func logPath(_ node: Topology.Node) -> String { "\(directory)/\(node.name).log" }
    func pidPath(_ node: Topology.Node) -> String { "\(directory)/\(node.name).pid" }

    func createDirectory() throws(CLIError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw CLIError(.failure, "cannot create run directory \(directory): \(error.localizedDescription)")
        }
    }

    func writePID(_ pid: pid_t, for node: Topology.Node) throws(CLIError) {
        let path = pidPath(node)
        do {
            try Data("\(pid)\n".utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw CLIError(.failure, "cannot write pid file \(path): \(error.localizedDescription)")
        }
    }

    /// The pid recorded for `node`, if the file exists and that process is still this node
    /// (same executable arguments); a stale file is removed.
    func livePID(for node: Topology.Node) -> pid_t? {
        let path = pidPath(node)
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
              let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)) else { return nil }
        guard ProcessControl.isAlive(pid), Self.isNodeProcess(pid, node) else {
            removePID(for: node)
            return nil
        }
        return pid
    }

    func removePID(for node: Topology.Node) {
        try? FileManager.default.removeItem(atPath: pidPath(node))
    }

    /// True when the command line of `pid` is `... node ROLE NAME ...`: guards against signalling
    /// an unrelated process that reused the number of a node that died.
    static func isNodeProcess(_ pid: pid_t, _ node: Topology.Node) -> Bool {
        guard let arguments = ProcessControl.commandLine(of: pid) else {
            // No /proc (not Linux): trust the pid file.
            return true
        }
        guard let index = arguments.firstIndex(of: "node"), index + 2 < arguments.count else { return false }
        return arguments[index + 1] == node.role.rawValue && arguments[index + 2] == node.name
    }
}
