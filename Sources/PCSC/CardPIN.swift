import Crypto

/// A PIN or PUK for the DSKE card. It travels as a 16-byte block: the UTF-8 bytes padded with
/// FF, so the card never learns the length from the APDU size. It never prints.
public struct CardPIN: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public static let blockLength = 16
    let bytes: [UInt8]

    /// A PIN has 4 to 16 characters, a PUK 8 to 16; printable ASCII only, so the same keys on
    /// any keyboard give the same bytes.
    public init(_ text: String, kind: SecretKind = .pin) throws(PCSCError) {
        let bytes = Array(text.utf8)
        let minimum = kind == .pin ? 4 : 8
        let name = kind == .pin ? "a PIN" : "a PUK"
        guard bytes.count >= minimum, bytes.count <= CardPIN.blockLength else {
            throw .invalidPIN("\(name) has \(minimum) to \(CardPIN.blockLength) characters")
        }
        guard bytes.allSatisfy({ (0x20...0x7E).contains($0) }) else {
            throw .invalidPIN("\(name) uses printable ASCII characters only")
        }
        self.bytes = bytes
    }

    /// A random 12-digit PUK, for an enrolment that was not given one (shown to the user once).
    public static func randomPUK() -> CardPIN {
        var digits: [UInt8] = []
        while digits.count < 12 {
            // Rejection sampling keeps the digits uniform.
            let byte = SymmetricKey(size: .init(bitCount: 8)).withUnsafeBytes { $0[0] }
            if byte < 250 { digits.append(0x30 + byte % 10) }
        }
        return CardPIN(unchecked: digits)
    }

    private init(unchecked bytes: [UInt8]) { self.bytes = bytes }

    /// The PIN as typed: only for showing a generated PUK to its owner.
    public func reveal() -> String { String(decoding: bytes, as: UTF8.self) }

    var block: [UInt8] { bytes + [UInt8](repeating: 0xFF, count: CardPIN.blockLength - bytes.count) }

    public var description: String { "CardPIN(redacted)" }
    public var debugDescription: String { description }
}
