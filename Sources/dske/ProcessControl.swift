#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The few process operations the manager needs, over POSIX calls: Foundation's `Process` cannot
/// start a child in its own session, nor close inherited descriptors, nor leave a child running
/// after the parent exits without a zombie-reaping thread.
enum ProcessControl {
    /// The path of the running executable, so the manager starts nodes from the same build.
    static func currentExecutable() -> String {
        #if os(Linux)
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return path
        }
        #endif
        return URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
    }

    /// Starts `arguments` (argv[0] is the executable) with stdin from /dev/null and stdout and
    /// stderr appended to `logPath`. With `detach` the child gets its own session, so that it
    /// outlives the terminal and a Ctrl-C aimed at the manager.
    static func spawn(_ arguments: [String], logPath: String, detach: Bool) throws(CLIError) -> pid_t {
        let logFD = open(logPath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard logFD >= 0 else {
            throw CLIError(.failure, "cannot open log file \(logPath): \(String(cString: strerror(errno)))")
        }
        defer { close(logFD) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, logFD, 1)
        posix_spawn_file_actions_adddup2(&actions, logFD, 2)
        #if os(Linux)
        // Nothing else the manager holds open (sockets, the config file) leaks into a node.
        if let addCloseFrom = Self.addCloseFrom { _ = addCloseFrom(&actions, 3) }
        #endif

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaultSignals = sigset_t()
        sigfillset(&defaultSignals)
        posix_spawnattr_setsigdefault(&attributes, &defaultSignals)
        var noMask = sigset_t()
        sigemptyset(&noMask)
        posix_spawnattr_setsigmask(&attributes, &noMask)
        var flags = Int32(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)
        #if os(Linux)
        if detach { flags |= Self.spawnSetSID }
        #endif
        posix_spawnattr_setflags(&attributes, Int16(flags))

        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid = pid_t()
        let result = posix_spawn(&pid, arguments[0], &actions, &attributes, argv, environ)
        guard result == 0 else {
            throw CLIError(.failure, "cannot start \(arguments[0]): \(String(cString: strerror(result)))")
        }
        return pid
    }

    #if os(Linux)
    // glibc declares these only under _GNU_SOURCE, which Swift's Glibc module does not define.
    private static let spawnSetSID: Int32 = 0x80
    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private static let addCloseFrom: AddCloseFrom? = {
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: AddCloseFrom.self)
    }()
    #endif

    /// Whether `pid` names a live process (a zombie counts as gone).
    static func isAlive(_ pid: pid_t) -> Bool {
        guard pid > 0, kill(pid, 0) == 0 || errno == EPERM else { return false }
        #if os(Linux)
        // A child of ours that has exited stays a zombie until reaped; reap it if it is ours and
        // otherwise read its state: kill(pid, 0) succeeds on zombies.
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid { return false }
        if let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
           let close = stat.lastIndex(of: ")") {
            let state = stat[stat.index(after: close)...].drop(while: { $0 == " " }).first
            return state != "Z" && state != "X"
        }
        #endif
        return true
    }

    /// The exit status of a child of ours that has ended, if it has (reaping it).
    static func exitStatus(ofChild pid: pid_t) -> String? {
        var status: Int32 = 0
        guard waitpid(pid, &status, WNOHANG) == pid else { return nil }
        let signal = status & 0x7f
        if signal == 0 { return "exit status \((status >> 8) & 0xff)" }
        return "signal \(signal)"
    }

    /// The command line of `pid`, to check that a pid file still names our node and not a
    /// process that was given the same number later.
    static func commandLine(of pid: pid_t) -> [String]? {
        #if os(Linux)
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"), !data.isEmpty else {
            return nil
        }
        return data.split(separator: 0, omittingEmptySubsequences: false).dropLast().map {
            String(decoding: $0, as: UTF8.self)
        }
        #else
        return nil
        #endif
    }

    @discardableResult
    static func send(_ signal: Int32, to pid: pid_t) -> Bool {
        kill(pid, signal) == 0
    }

    /// Polls until `pid` is gone or `timeout` passes; true when it is gone.
    static func waitForExit(_ pid: pid_t, timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if !isAlive(pid) { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return !isAlive(pid)
    }

    /// The last non-empty lines of a log, for error messages when a node dies at start-up.
    static func tail(of path: String, lines: Int) -> [String] {
        guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        try? handle.seek(toOffset: size > 8192 ? size - 8192 : 0)
        let data = (try? handle.readToEnd()) ?? Data()
        let text = String(decoding: data, as: UTF8.self)
        return Array(text.split(whereSeparator: \.isNewline).map(String.init).filter {
            !$0.trimmingCharacters(in: .whitespaces).isEmpty
        }.suffix(lines))
    }

    /// Whether nothing listens on host:port (binding it succeeds), checked before a node starts
    /// so that a taken port gets a clear message instead of a node dying.
    static func portIsFree(host: String, port: Int) -> Bool {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        var info: UnsafeMutablePointer<addrinfo>?
        let lookupHost = host.isEmpty ? nil : host
        guard getaddrinfo(lookupHost, String(port), &hints, &info) == 0, let first = info else { return true }
        defer { freeaddrinfo(info) }
        let fd = socket(first.pointee.ai_family, first.pointee.ai_socktype, first.pointee.ai_protocol)
        guard fd >= 0 else { return true }
        defer { close(fd) }
        // As a server does, so that connections in TIME_WAIT do not count as "in use".
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        return bind(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0
    }
}
