import ArgumentParser

/// `dske get-key-with-ids`: the slave SAE's Get key with key IDs call (ETSI dec_keys).
struct GetKeyWithIDsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get-key-with-ids",
        abstract: "Get keys by key ID for a master/slave encryptor pair, as the slave SAE would.",
        discussion: """
            Calls the dec_keys API of the KME that serves the slave SAE, with the slave SAE ID in \
            the Authorization header: GET ?key_ID= for one key ID, POST with a key_IDs body for \
            several. Prints one line per key: the key ID, a space, the key in base64 (or the ETSI \
            key container with --json). The KME hands each key out once.
            """
    )

    @Option(name: .long, help: ArgumentHelp("The master (initiating) encryptor's SAE ID.", valueName: "sae"))
    var master: String

    @Option(name: .long, help: ArgumentHelp("The slave (responding) encryptor's SAE ID.", valueName: "sae"))
    var slave: String

    @Flag(name: .long, help: "Print the ETSI key container as JSON.")
    var json = false

    @Argument(help: ArgumentHelp("Key IDs from get-key.", valueName: "key-id"))
    var keyIDs: [String]

    @OptionGroup var options: ConfigOptions

    @OptionGroup(title: "Mutual TLS (KMEs with a tls section)") var tls: TLSClientOptions

    func validate() throws {
        guard !keyIDs.isEmpty else { throw ValidationError("give at least one key ID") }
    }

    func run() async throws {
        try await reportingErrors { () async throws(CLIError) in
            let topology = try options.loadTopology()
            _ = try topology.kme(serving: master)
            let kme = try topology.kme(serving: slave)
            let secure = try tls.endpoints(saes: [slave], topology: topology)
            let keys = try await KeyDeliveryAPI(http: HTTPCaller(), secure: secure)
                .getKeyWithIDs(kme: kme, master: master, slave: slave, keyIDs: keyIDs)
            KeyOutputOptions(json: json).print(keys)
        }
    }
}
