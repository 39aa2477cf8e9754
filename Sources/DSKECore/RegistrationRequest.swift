/// Body of `PUT /hub/{hub}/dske/oob/v1/registration`: a client introduces itself and the
/// encryptors (SAEs) it serves.
public struct RegistrationRequest: WireMessage, Hashable {
    public let clientName: String
    public let encryptorNames: [String]

    public init(clientName: String, encryptorNames: [String]) {
        self.clientName = clientName
        self.encryptorNames = encryptorNames
    }

    enum CodingKeys: String, CodingKey {
        case clientName = "client_name"
        case encryptorNames = "encryptor_names"
    }
}
