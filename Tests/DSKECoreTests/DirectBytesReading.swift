import Foundation
@testable import DSKECore

/// A body read by a message's fast reader (`DirectBytesMessage`) and by the parser and Codable
/// path, for tests that hold the two to the same result.
enum DirectBytesReading {
    static func fast<T: DirectBytesMessage>(_ type: T.Type, _ text: String) -> T? {
        Array(text.utf8).withUnsafeBufferPointer { T(directBytes: $0) }
    }

    static func codable<T: Decodable>(_ type: T.Type, _ text: String) -> T? {
        try? WireCoding.codableDecode(T.self, from: WireCoding.parse(Array(text.utf8)))
    }
}
