import Foundation

/// Where the commands speak: results on stdout, errors as one line on stderr.
enum Console {
    static func error(_ message: String) {
        let line = message.split(whereSeparator: \.isNewline).joined(separator: " ")
        FileHandle.standardError.write(Data("psrd-courier: \(line)\n".utf8))
    }

    static func note(_ message: String) {
        FileHandle.standardError.write(Data("psrd-courier: \(message)\n".utf8))
    }
}
