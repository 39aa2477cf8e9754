import ArgumentParser

/// `dske get-key`: the master SAE's Get key call (ETSI GS QKD 014 enc_keys) on its KME.
struct GetKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get-key",
        abstract: "Get new keys for a master/slave encryptor pair, as the master SAE would.",
        discussion: """
            Calls GET /client/KME/etsi/api/v1/keys/SLAVE/enc_keys on the KME that serves the \
            master SAE, with the master SAE ID in the Authorization header. Prints one line per \
            key: the key ID, a space, the key in base64 (or the ETSI key container with --json). \
            Give the key IDs to the slave's side (dske get-key-with-ids) to obtain the same keys \
            there; each key can be obtained there once.
            """
    )

    @OptionGroup var request: KeyRequestOptions

    @OptionGroup var options: ConfigOptions

    func run() async throws {
        try await reportingErrors { () async throws(CLIError) in
            let topology = try options.loadTopology()
            let kme = try topology.kme(serving: request.master)
            _ = try topology.kme(serving: request.slave)
            let secure = try request.tls.endpoints(saes: [request.master], topology: topology)
            let keys = try await KeyDeliveryAPI(http: HTTPCaller(), secure: secure)
                .getKey(kme: kme, master: request.master, slave: request.slave, size: request.size, number: request.number)
            KeyOutputOptions(json: request.json).print(keys)
        }
    }
}
