import Foundation

/// How the key commands print keys. Keys are secrets: they are printed because handing them to
/// the operator is what these commands are for (they stand in for an encryptor, as the
/// reference's manager does); nothing else in dske prints key material.
struct KeyOutputOptions: Sendable {
    let json: Bool

    /// One line per key, `KEY_ID KEY_BASE64`, or the ETSI key container with `--json`.
    func print(_ keys: [DeliveredKey]) {
        if json {
            struct Container: Encodable { let keys: [DeliveredKey] }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            if let data = try? encoder.encode(Container(keys: keys)) {
                Swift.print(String(decoding: data, as: UTF8.self))
            }
        } else {
            for key in keys { Swift.print("\(key.keyID) \(key.key)") }
        }
    }
}

func printNote(_ message: String) {
    // stdout is block-buffered when piped: flush it first so that notes and output stay in the
    // order they were made in a log (fflush(nil) flushes every stream).
    fflush(nil)
    FileHandle.standardError.write(Data("\(message)\n".utf8))
}
