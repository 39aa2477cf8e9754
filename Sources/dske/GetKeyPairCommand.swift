import ArgumentParser

/// `dske get-key-pair`: both sides of a key establishment, then a comparison.
struct GetKeyPairCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get-key-pair",
        abstract: "Get keys on the master side, fetch them on the slave side, and check they match.",
        discussion: """
            Does what get-key and then get-key-with-ids do, with the key IDs from the first \
            handed to the second. Prints the keys as get-key does and a summary on stderr; exits \
            with status 3 if the two KMEs delivered different keys or not the same key IDs.
            """
    )

    @OptionGroup var request: KeyRequestOptions

    @OptionGroup var options: ConfigOptions

    func run() async throws {
        try await reportingErrors { () async throws(CLIError) in
            let topology = try options.loadTopology()
            let secure = try request.tls.endpoints(saes: [request.master, request.slave], topology: topology)
            let keys = try await KeyPair.obtain(
                topology: topology, master: request.master, slave: request.slave, size: request.size, number: request.number,
                secure: secure)
            KeyOutputOptions(json: request.json).print(keys)
        }
    }
}

/// The get-key-pair flow, shared with `dske demo`.
enum KeyPair {
    /// `secure`: the mutual-TLS endpoints of the SAEs whose KMEs serve TLS.
    static func obtain(topology: Topology, master: String, slave: String, size: Int?, number: Int?,
                       secure: [String: SecureEndpoint] = [:]) async throws(CLIError) -> [DeliveredKey] {
        let masterKME = try topology.kme(serving: master)
        let slaveKME = try topology.kme(serving: slave)
        let api = KeyDeliveryAPI(http: HTTPCaller(), secure: secure)
        let masterKeys = try await api.getKey(kme: masterKME, master: master, slave: slave, size: size, number: number)
        guard !masterKeys.isEmpty else {
            throw CLIError(.failure, "Get key at \(masterKME.label) returned no keys")
        }
        let slaveKeys = try await api.getKeyWithIDs(kme: slaveKME, master: master, slave: slave, keyIDs: masterKeys.map(\.keyID))
        let slaveByID = Dictionary(slaveKeys.map { ($0.keyID.lowercased(), $0.key) }, uniquingKeysWith: { first, _ in first })
        let mismatched = masterKeys.filter { slaveByID[$0.keyID.lowercased()] != $0.key }
        guard mismatched.isEmpty, slaveKeys.count == masterKeys.count else {
            // Key IDs only: the keys themselves stay off stderr.
            throw CLIError(.mismatch, "\(mismatched.count) of \(masterKeys.count) keys differ between \(masterKME.label) and \(slaveKME.label): " + mismatched.map(\.keyID).joined(separator: ", "))
        }
        printNote("\(masterKeys.count) key(s) match: \(master) at \(masterKME.label), \(slave) at \(slaveKME.label)")
        return masterKeys
    }
}
