import Foundation

/// A refill answer is a 256 KB block as base64: through the JSON tree and Codable it became a
/// 350 KB `String` on each side first (about 1% of the batch benchmark's CPU). The plain form is
/// written and read straight from the bytes; anything else takes the parser and Codable path,
/// which stays the definition (see `DirectBytesMessage`).
extension PSRDBlockResponse: DirectWireEncodable, DirectBytesMessage {
    func write(to writer: inout WireWriter) {
        writer.raw("{\"block_uuid\":")
        writer.uuid(blockUUID)
        writer.raw(",\"data\":")
        writer.base64(data)
        writer.raw("}")
    }

    init?(directBytes bytes: UnsafeBufferPointer<UInt8>) {
        guard let message = DirectWireReader.read(bytes, { reader -> PSRDBlockResponse? in
            var uuid: UUID?, data: UnsafeBufferPointer<UInt8>?
            guard reader.object({ reader, key in
                if key.isKey("block_uuid") { return uuid.fill(reader.canonicalUUID()) }
                if key.isKey("data") { return data.fill(reader.stringBytes()) }
                return false
            }), let uuid, let data, let block = StrictBase64.decode(utf8: data), !block.isEmpty else { return nil }
            return PSRDBlockResponse(blockUUID: uuid, data: block)
        }) else { return nil }
        self = message
    }
}
