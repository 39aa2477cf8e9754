import ArgumentParser
import Foundation

/// A bundle's lifetime as operators write it: `30d`, `12h`, `90m`, `3600s`, `2w`.
struct LifetimeArgument: ExpressibleByArgument, Sendable {
    let seconds: TimeInterval

    init?(argument: String) {
        let text = argument.trimmingCharacters(in: .whitespaces).lowercased()
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, let value = Int(digits), value > 0 else { return nil }
        let unit: TimeInterval
        switch text.dropFirst(digits.count) {
        case "s": unit = 1
        case "m": unit = 60
        case "h": unit = 3_600
        case "d", "": unit = 86_400
        case "w": unit = 7 * 86_400
        default: return nil
        }
        let (product, overflow) = value.multipliedReportingOverflow(by: Int(unit))
        guard !overflow, product <= 100 * 365 * 86_400 else { return nil }
        seconds = TimeInterval(product)
    }

    var defaultValueDescription: String { "30d" }
}
