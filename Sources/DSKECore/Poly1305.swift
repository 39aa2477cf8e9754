import CLibCrypto

/// Poly1305 (RFC 8439) from OpenSSL's libcrypto through EVP_MAC.
///
/// Poly1305 is a one-time authenticator: with a uniformly random 32-byte key used for a single
/// message, a forger succeeds with probability at most about 8 * ceil(L/16) / 2^106 for an L-byte
/// message, whatever its computing power. Using a key twice breaks that. Here every key is
/// fresh PSRD, and the pools never hand out a byte twice: that is where the one-time property
/// comes from, not from this type.
enum Poly1305 {
    static let keySize = 32
    static let tagSize = 16

    /// The algorithm object, fetched once per process. A fetched EVP_MAC is immutable and
    /// reference counted, so concurrent contexts may share it; each tag gets its own context.
    private final class Algorithm: @unchecked Sendable {
        let mac: OpaquePointer

        init() {
            guard let mac = EVP_MAC_fetch(nil, "POLY1305", nil) else {
                fatalError("OpenSSL provides no POLY1305 MAC: libcrypto 3 with the default provider is required")
            }
            self.mac = mac
        }

        deinit { EVP_MAC_free(mac) }
    }

    private static let algorithm = Algorithm()

    /// The tag of the concatenation of `parts` under the one-time `key` (exactly 32 bytes).
    static func tag(key: [UInt8], parts: [[UInt8]]) -> [UInt8] {
        precondition(key.count == keySize, "a Poly1305 key is exactly 32 bytes")
        guard let context = EVP_MAC_CTX_new(algorithm.mac) else {
            fatalError("EVP_MAC_CTX_new failed (out of memory)")
        }
        defer { EVP_MAC_CTX_free(context) }
        let initialized = key.withUnsafeBufferPointer { key in
            EVP_MAC_init(context, key.baseAddress, key.count, nil)
        }
        precondition(initialized == 1, "EVP_MAC_init failed for Poly1305")
        for part in parts where !part.isEmpty {
            let updated = part.withUnsafeBufferPointer { bytes in
                EVP_MAC_update(context, bytes.baseAddress, bytes.count)
            }
            precondition(updated == 1, "EVP_MAC_update failed for Poly1305")
        }
        var length = 0
        let tag = [UInt8](unsafeUninitializedCapacity: tagSize) { buffer, initializedCount in
            let finished = EVP_MAC_final(context, buffer.baseAddress, &length, tagSize)
            precondition(finished == 1 && length == tagSize, "EVP_MAC_final failed for Poly1305")
            initializedCount = tagSize
        }
        return tag
    }
}
