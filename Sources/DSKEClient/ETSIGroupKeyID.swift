import Crypto
import DSKECore
import Foundation

/// Key IDs of keys made for more than one slave SAE (ETSI `additional_slave_SAE_IDs`).
///
/// The hubs keep one share set per (key ID, slave SAE) and delete it when that slave's KME
/// fetches it; a key ID can be posted to a hub only once. So a group key travels under a
/// different hub-level key ID per slave, derived from the ID the SAEs see and the slave's SAE
/// ID. The slave's KME must know that without asking anyone: a group key's ID says so itself, by
/// being a version 8 UUID, where every other key ID (ours and the reference's) is version 4.
enum ETSIGroupKeyID {
    /// A fresh random ID marked as a group key's (RFC 9562 version 8, 122 random bits).
    static func make() -> UUID {
        var bytes = SecureRandom.bytes(16)
        return marked(&bytes)
    }

    static func isGroupKey(_ id: UUID) -> Bool {
        let version = id.uuid.6 >> 4
        let variant = id.uuid.8 >> 6
        return version == 8 && variant == 0b10
    }

    /// The ID the shares for `slave` carry at the hubs: SHA-256 over a label, the key ID and the
    /// slave's SAE ID, cut to a version 8 UUID. Distinct slaves get distinct IDs; nobody learns
    /// anything from it that the key ID and the slave's name did not already say.
    static func hubKeyID(_ id: UUID, slave: String) -> UUID {
        var hash = SHA256()
        hash.update(data: Array("DSKE group key ID v1".utf8))
        withUnsafeBytes(of: id.uuid) { hash.update(bufferPointer: $0) }
        hash.update(data: Array(slave.utf8))
        var bytes = Array(hash.finalize().prefix(16))
        return marked(&bytes)
    }

    /// The hub-level ID of `id` for `slave`: derived for a group key, `id` itself otherwise.
    static func atHubs(_ id: UUID, slave: String) -> UUID {
        isGroupKey(id) ? hubKeyID(id, slave: slave) : id
    }

    private static func marked(_ bytes: inout [UInt8]) -> UUID {
        bytes[6] = (bytes[6] & 0x0F) | 0x80
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }
}

