import Foundation

/// The hub read every batch fetch request (128 key IDs) through the JSON tree; the plain form is
/// read straight from the bytes, as `init?(direct:)` reads it from the tree. Anything else
/// answers nil and takes the parser and Codable path (see `DirectBytesMessage`).
extension FetchKeySharesRequest: DirectBytesMessage {
    init?(directBytes bytes: UnsafeBufferPointer<UInt8>) {
        guard let message = DirectWireReader.read(bytes, Self.read) else { return nil }
        self = message
    }

    /// `init?(direct:)` from the bytes (alone, or inside a multi message).
    static func read(_ reader: inout DirectWireReader) -> FetchKeySharesRequest? {
        var client: String?, master: String?, slave: String?, ids: [UUID]?, packed: Bool?
        guard reader.object({ reader, key in
            if key.isKey("client_name") { return client.fill(reader.string()) }
            if key.isKey("master_sae_id") { return master.fill(reader.string()) }
            if key.isKey("slave_sae_id") { return slave.fill(reader.string()) }
            if key.isKey("key_ids") { return ids.fill(reader.array(limit: KeyShareBatch.maxCount) { $0.canonicalUUID() }) }
            if key.isKey("packed") { return packed.fill(reader.boolean()) }
            return false
        }), let client, let master, let slave, let ids, ids.isValidBatch else { return nil }
        return FetchKeySharesRequest(clientName: client, masterSAEID: master, slaveSAEID: slave, keyIDs: ids,
                                     packed: packed ?? false)
    }
}
