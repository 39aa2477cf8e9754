import DSKECore
import Foundation

/// The query string of a request, decoded strictly: `application/x-www-form-urlencoded` as
/// Starlette reads it (`+` is a space, `%XX` escapes), each name at most once (two values for one
/// name would let a signed query mean two things), a bounded number of parameters.
public struct QueryParameters: Sendable {
    public static let maxParameters = 32
    public static let maxLength = 8192

    private var values: [String: String] = [:]

    public init(query: String?) throws(ServiceError) {
        guard let query, !query.isEmpty else { return }
        guard query.utf8.count <= Self.maxLength else { throw .badRequest("Query string too long.") }
        let pairs = query.split(separator: "&", omittingEmptySubsequences: true)
        guard pairs.count <= Self.maxParameters else { throw .badRequest("Too many query parameters.") }
        for pair in pairs {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(parts[0]), let value = Self.decode(parts.count > 1 ? parts[1] : "") else {
                throw .badRequest("Malformed query string.")
            }
            guard values[name] == nil else {
                throw .badRequest("Query parameter '\(Self.printable(name))' appears more than once.")
            }
            values[name] = value
        }
    }

    public subscript(name: String) -> String? { values[name] }

    public func require(_ name: String) throws(ServiceError) -> String {
        guard let value = values[name] else {
            throw .badRequest("Missing query parameter '\(name)'.", details: ["parameter": .string(name)])
        }
        return value
    }

    /// A plain decimal integer within `range`.
    public func requireInt(_ name: String, in range: ClosedRange<Int>) throws(ServiceError) -> Int {
        let text = try require(name)
        guard text.utf8.count <= 18, !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              let value = Int(text) else {
            throw .badRequest("Query parameter '\(name)' must be a decimal integer.", details: ["parameter": .string(name)])
        }
        guard range.contains(value) else {
            throw .badRequest("Query parameter '\(name)' must be between \(range.lowerBound) and \(range.upperBound).",
                              details: ["parameter": .string(name), "value": .number(JSONNumber(value)),
                                        "min": .number(JSONNumber(range.lowerBound)), "max": .number(JSONNumber(range.upperBound))])
        }
        return value
    }

    /// A UUID in any letter case (the reference parses key IDs with Python's UUID()).
    public func requireUUID(_ name: String) throws(ServiceError) -> UUID {
        let text = try require(name)
        guard text.utf8.count == 36, let uuid = UUID(uuidString: text) else {
            throw .badRequest("Invalid key ID.", details: [name: .string(Self.printable(text))])
        }
        return uuid
    }

    private static func decode(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"):
                bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    return nil
                }
                bytes.append(high << 4 | low)
            default:
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Names and values can be hostile: shortened and without control characters for messages.
    static func printable(_ text: String) -> String {
        String(text.unicodeScalars.prefix(64).map { $0.value < 0x20 || $0.value == 0x7F ? "?" : Character($0) })
    }
}
