import ArgumentParser
import Courier
import Foundation

/// A byte count as operators write it: `64MiB`, `1GiB`, `4096`, `1G` (see `ByteCount.parse`).
struct SizeArgument: ExpressibleByArgument, Sendable {
    let bytes: Int

    init?(argument: String) {
        guard let bytes = ByteCount.parse(argument) else { return nil }
        self.bytes = bytes
    }

    init(bytes: Int) { self.bytes = bytes }

    var defaultValueDescription: String { ByteCount.format(bytes).replacingOccurrences(of: ".0 ", with: "").replacingOccurrences(of: " ", with: "") }
}
