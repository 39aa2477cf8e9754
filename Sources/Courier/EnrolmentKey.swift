import Crypto
import DSKECore
import Foundation

/// A recipient's 256-bit symmetric key: a client's enrolment key (on its smart card or in a 0600
/// key file), or a hub's own bundle key. It wraps bundle file keys; symmetric 256-bit keys stay
/// safe against quantum computers.
public struct EnrolmentKey: Sendable {
    public static let size = 32

    let key: SymmetricKey
    /// The first 8 bytes of SHA-256 of the key, as 16 lowercase hex digits: names the key in
    /// stanzas, files and messages without revealing it.
    public let keyID: String

    /// A fresh key from the operating system's CSPRNG.
    public static func generate() -> EnrolmentKey { EnrolmentKey(key: SymmetricKey(size: .bits256)) }

    public init(bytes: [UInt8]) throws(BundleError) {
        guard bytes.count == Self.size else { throw .invalidArgument("an enrolment key has \(Self.size) bytes, not \(bytes.count)") }
        self.init(key: SymmetricKey(data: bytes))
    }

    init(key: SymmetricKey) {
        self.key = key
        keyID = key.withUnsafeBytes { Self.hex(SHA256.hash(data: $0).prefix(8)) }
    }

    /// The key's bytes, for a key file or a smart card. Secret: never log them.
    public func exportBytes() -> [UInt8] { key.withUnsafeBytes { Array($0) } }

    /// The stanza that lets this key's holder recover `fileKey` from bundle `bundleID`:
    /// AES-256-GCM(key, nonce, plaintext = file key, associated data = the bundle ID's 36 ASCII
    /// characters). `nonce` is random unless given (test vectors).
    public func wrap(_ fileKey: FileKey, bundleID: UUID, nonce: [UInt8]? = nil) throws(BundleError) -> BundleStanza {
        let nonceBytes = nonce ?? SecureRandom.bytes(BundleStanza.nonceSize)
        guard nonceBytes.count == BundleStanza.nonceSize else {
            throw .invalidArgument("a stanza nonce has \(BundleStanza.nonceSize) bytes, not \(nonceBytes.count)")
        }
        do {
            let box = try fileKey.key.withUnsafeBytes { plaintext in
                try AES.GCM.seal(plaintext, using: key, nonce: AES.GCM.Nonce(data: nonceBytes),
                                 authenticating: Array(bundleID.lowercased.utf8))
            }
            return .enrolmentKey(keyID: keyID, nonce: nonceBytes, wrappedKey: Array(box.ciphertext) + Array(box.tag))
        } catch {
            // Only a wrong nonce or key size can fail, and both are checked above.
            throw .invalidArgument("stanza sealing failed: \(error)")
        }
    }

    /// The file key of an enrolment-key stanza, or nil when this key does not open it.
    func unwrap(nonce: [UInt8], wrappedKey: [UInt8], bundleID: UUID) -> FileKey? {
        guard wrappedKey.count == BundleStanza.wrappedKeySize,
              let box = try? AES.GCM.SealedBox(nonce: AES.GCM.Nonce(data: nonce),
                                                 ciphertext: wrappedKey.prefix(FileKey.size),
                                                 tag: wrappedKey.suffix(BundleStanza.tagSize)),
              let plaintext = try? AES.GCM.open(box, using: key, authenticating: Array(bundleID.lowercased.utf8)),
              plaintext.count == FileKey.size
        else { return nil }
        return FileKey(key: SymmetricKey(data: plaintext))
    }

    static func isValidKeyID(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.count == 16 && bytes.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
