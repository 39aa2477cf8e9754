#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Courier
import Foundation
import PCSC

/// PINs and PUKs: from the first line of a 0600 file (automation), or typed on the terminal
/// without echo (termios), a new one twice. Never echoed, logged or put in a message.
enum SecretInput {
    static let maxFileSize = 256

    /// An existing PIN (or PUK): `file`, or asked once.
    static func read(file: String?, prompt: String, kind: SecretKind = .pin) throws(JobError) -> CardPIN {
        let text: String
        if let file {
            text = try fromFile(file)
        } else {
            text = try ask(prompt, option: kind == .pin ? "--pin-file" : "--puk-file")
        }
        return try pin(text, kind: kind)
    }

    /// A new PIN: `file`, or asked twice on the terminal until both match (three attempts).
    static func new(file: String?, prompt: String, option: String) throws(JobError) -> CardPIN {
        if let file { return try pin(try fromFile(file), kind: .pin) }
        for _ in 0..<3 {
            let first = try ask(prompt, option: option)
            let pin: CardPIN
            do {
                pin = try CardPIN(first)
            } catch {
                FileHandle.standardError.write(Data("\(error)\n".utf8))
                continue
            }
            if try ask("Repeat the PIN: ", option: option) == first { return pin }
            FileHandle.standardError.write(Data("the two PINs differ; again\n".utf8))
        }
        throw .usage("no PIN set: the PINs typed did not match or were invalid")
    }

    private static func pin(_ text: String, kind: SecretKind) throws(JobError) -> CardPIN {
        do {
            return try CardPIN(text, kind: kind)
        } catch {
            throw CardFailure.job(error, reader: nil)
        }
    }

    /// The first line of a file that only its owner may read (like a key file).
    static func fromFile(_ path: String) throws(JobError) -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .usage("cannot open the PIN file \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            throw .usage("the PIN file \(path) is not a regular file")
        }
        guard info.st_mode & 0o077 == 0 else {
            throw .usage("the PIN file \(path) is readable by others (mode \(String(info.st_mode & 0o777, radix: 8))): run chmod 600 on it")
        }
        var buffer = [UInt8](repeating: 0, count: maxFileSize)
        defer { buffer.withUnsafeMutableBufferPointer { $0.update(repeating: 0) } }
        let count = Glibc.read(fd, &buffer, maxFileSize)
        guard count >= 0 else { throw .usage("cannot read the PIN file \(path): \(String(cString: strerror(errno)))") }
        let line = buffer.prefix(count).prefix { $0 != 0x0A && $0 != 0x0D }
        return String(decoding: line, as: UTF8.self)
    }

    /// One line typed on the terminal with echo off; the terminal is restored whatever happens.
    static func ask(_ prompt: String, option: String) throws(JobError) -> String {
        guard isatty(STDIN_FILENO) == 1 else {
            throw .usage("no terminal to ask for the PIN on: give \(option) PATH")
        }
        FileHandle.standardError.write(Data(prompt.utf8))
        var saved = termios()
        guard tcgetattr(STDIN_FILENO, &saved) == 0 else {
            throw .usage("cannot switch off the terminal's echo: give \(option) PATH")
        }
        var quiet = saved
        quiet.c_lflag &= ~tcflag_t(ECHO)
        quiet.c_lflag |= tcflag_t(ECHONL)
        // Ctrl-C at the prompt must not leave the shell without echo.
        terminalToRestore = saved
        let previousINT = signal(SIGINT, restoreTerminalAndExit)
        let previousTERM = signal(SIGTERM, restoreTerminalAndExit)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet)
        defer {
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved)
            signal(SIGINT, previousINT)
            signal(SIGTERM, previousTERM)
            terminalToRestore = nil
        }
        guard let line = readLine(strippingNewline: true) else { throw .usage("no PIN typed") }
        return line
    }
}

/// The terminal settings to put back if a signal ends the process at a PIN prompt (a signal
/// handler can reach only globals).
nonisolated(unsafe) private var terminalToRestore: termios?

private func restoreTerminalAndExit(_ signal: Int32) {
    if var saved = terminalToRestore { tcsetattr(STDIN_FILENO, TCSANOW, &saved) }
    _exit(128 + signal)
}
