/// The key container of every enc_keys and dec_keys answer, written without Codable (a batch of
/// 128 keys built a tree of 128 objects first). Read back through Codable: only encryptors read it.
extension ETSIKeyContainer: DirectWireEncodable {
    func write(to writer: inout WireWriter) {
        writer.raw("{\"keys\":")
        writer.array(keys) { $1.write(to: &$0) }
        if let keyContainerExtension {
            writer.raw(",\"key_container_extension\":")
            writer.value(.object(keyContainerExtension))
        }
        writer.raw("}")
    }
}

extension ETSIKey: DirectWireEncodable {
    func write(to writer: inout WireWriter) {
        writer.raw("{\"key_ID\":")
        writer.uuid(keyID)
        writer.raw(",\"key\":")
        writer.base64(key)
        if let keyIDExtension {
            writer.raw(",\"key_ID_extension\":")
            writer.value(.object(keyIDExtension))
        }
        if let keyExtension {
            writer.raw(",\"key_extension\":")
            writer.value(.object(keyExtension))
        }
        writer.raw("}")
    }
}
