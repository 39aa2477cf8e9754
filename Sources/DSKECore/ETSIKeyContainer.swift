/// ETSI GS QKD 014 V1.1.1 Key container: the answer to `enc_keys` and `dec_keys`. `keys` is
/// always an array (the reference wrongly sends an object).
public struct ETSIKeyContainer: WireMessage, Hashable {
    public var keys: [ETSIKey]
    public var keyContainerExtension: JSONObject?

    public init(keys: [ETSIKey], keyContainerExtension: JSONObject? = nil) {
        self.keys = keys
        self.keyContainerExtension = keyContainerExtension
    }

    enum CodingKeys: String, CodingKey {
        case keys
        case keyContainerExtension = "key_container_extension"
    }
}
