import DSKECore
import DSKEService
import Logging

/// The clients registered with this hub and the encryptors (SAEs) each one serves, kept durably
/// in a small JSON file next to the node's PSRD store, so a restarted hub still knows who its
/// peers are (the reference forgets them and every client must register again).
///
/// Every encryptor belongs to at most one client: the hub decides who may fetch a share by
/// looking up which client serves the slave SAE, so that mapping must be unambiguous.
///
/// In courier mode the book keeps nothing of its own: it mirrors the clients `psrd-courier enrol`
/// recorded in the hub's courier keystore (`CourierEnrolments`), re-reading the file when it has
/// changed and a lookup misses, so a client enrolled while the hub runs is known at its first
/// request.
actor RegistrationBook {
    static let maxNameLength = 128
    static let maxEncryptors = 256
    static let maxClients = 10_000

    private let path: String?
    private var registry = Registry()
    /// Courier mode: the keystore, the stamp of the version read, and where to report problems.
    private let keystore: String?
    private var keystoreStamp: [Int]?
    private let logger: Logger?

    /// Courier mode: the clients enrolled in the courier keystore at `keystorePath`.
    init(courierKeystore keystorePath: String, logger: Logger) throws(ServiceError) {
        path = nil
        keystore = keystorePath
        self.logger = logger
        let enrolments: CourierEnrolments
        do {
            enrolments = try CourierEnrolments.load(path: keystorePath)
        } catch {
            throw .internalError("courier keystore \(keystorePath) is unreadable: \(error)")
        }
        keystoreStamp = CourierEnrolments.modificationStamp(path: keystorePath)
        registry = Self.registry(from: enrolments)
    }

    /// Loads the book from `path` (nil keeps it in memory only, for tests of other parts).
    init(path: String?) throws(ServiceError) {
        self.path = path
        keystore = nil
        logger = nil
        guard let path else { return }
        let bytes: [UInt8]?
        do {
            bytes = try AtomicFile.load(path)
        } catch {
            throw .internalError("registrations: \(error)")
        }
        guard let bytes else { return }
        let contents: FileContents
        do {
            contents = try WireCoding.decode(FileContents.self, from: bytes, limit: 64 << 20)
        } catch {
            throw .internalError("registrations file \(path) is unreadable: \(error)")
        }
        guard contents.version == FileContents.currentVersion else {
            throw .internalError("registrations file \(path) has unknown version \(contents.version)")
        }
        var registry = Registry()
        for entry in contents.clients { registry.apply(entry.clientName, entry.encryptorNames) }
        self.registry = registry
    }

    /// Registers or re-registers a client. Re-registration replaces the encryptor list (as the
    /// reference does) and keeps the pools.
    func register(client: String, encryptors: [String]) throws(ServiceError) {
        guard keystore == nil else { throw .notAllowed("Clients are enrolled with psrd-courier in courier mode.") }
        try Self.validate(name: client, field: "client_name")
        guard encryptors.count <= Self.maxEncryptors else {
            throw .badRequest("Too many encryptor names.", details: ["limit": .number(JSONNumber(Self.maxEncryptors))])
        }
        for name in encryptors { try Self.validate(name: name, field: "encryptor_names") }
        guard Set(encryptors).count == encryptors.count else {
            throw .badRequest("An encryptor name appears twice.", details: ["client_name": .string(client)])
        }
        for name in encryptors {
            if let owner = registry.owners[name], owner != client {
                throw .conflict("Encryptor is registered for another client.",
                                details: ["client_name": .string(client), "encryptor_name": .string(name)])
            }
        }
        if registry.clients[client] == nil, registry.clients.count >= Self.maxClients {
            throw .unavailable("Too many registered clients.")
        }
        if registry.clients[client] == encryptors { return }
        var updated = registry
        updated.apply(client, encryptors)
        // Disk first: memory changes only once the registration is durable.
        try persist(updated)
        registry = updated
    }

    func encryptors(of client: String) -> [String]? {
        if registry.clients[client] == nil { refreshFromKeystore() }
        return registry.clients[client]
    }

    func isRegistered(_ client: String) -> Bool { encryptors(of: client) != nil }

    /// The client that serves `sae`, if any.
    func client(serving sae: String) -> String? {
        if registry.owners[sae] == nil { refreshFromKeystore() }
        return registry.owners[sae]
    }

    /// All registrations in registration order.
    func all() -> [RegistrationRequest] {
        refreshFromKeystore()
        return registry.all()
    }

    /// Courier mode: re-reads the keystore if it changed since the last read. A keystore that
    /// cannot be read leaves the clients known so far in place (and is logged): a hub keeps
    /// serving its clients while an operator repairs the file.
    private func refreshFromKeystore() {
        guard let keystore else { return }
        let stamp = CourierEnrolments.modificationStamp(path: keystore)
        guard stamp != keystoreStamp else { return }
        do {
            let enrolments = try CourierEnrolments.load(path: keystore)
            registry = Self.registry(from: enrolments)
            keystoreStamp = stamp
            logger?.info("courier keystore read: \(registry.order.count) enrolled client(s)")
        } catch {
            logger?.error("courier keystore \(keystore) is unreadable, keeping the clients known so far: \(error)")
        }
    }

    /// The enrolled clients with valid names; an encryptor claimed twice stays with its first client.
    private static func registry(from enrolments: CourierEnrolments) -> Registry {
        var registry = Registry()
        for client in enrolments.clients {
            guard (try? validate(name: client.name, field: "client_name")) != nil else { continue }
            let encryptors = client.encryptors.filter { registry.owners[$0] == nil || registry.owners[$0] == client.name }
            registry.apply(client.name, encryptors)
        }
        return registry
    }

    private func persist(_ registry: Registry) throws(ServiceError) {
        guard let path else { return }
        do {
            try AtomicFile.store(WireCoding.encode(FileContents(version: FileContents.currentVersion, clients: registry.all())),
                                 to: path)
        } catch {
            throw .internalError("registrations: \(error)")
        }
    }

    /// Names travel in URLs, logs and status tables: printable, bounded, not empty.
    static func validate(name: String, field: String) throws(ServiceError) {
        guard !name.isEmpty, name.utf8.count <= maxNameLength,
              name.unicodeScalars.allSatisfy({ $0.value >= 0x21 && $0.value != 0x7F && $0 != "/" }) else {
            throw .badRequest("Invalid name in '\(field)': 1 to \(maxNameLength) printable characters without spaces or '/'.",
                              details: ["field": .string(field)])
        }
    }
}

extension RegistrationBook {
    /// The file: `{"version": 1, "clients": [{"client_name": ..., "encryptor_names": [...]}]}`.
    struct FileContents: WireMessage {
        static let currentVersion = 1
        let version: Int
        let clients: [RegistrationRequest]
    }
}

extension RegistrationBook {
    /// The state, as a value so a change can be prepared, persisted, then swapped in.
    struct Registry: Sendable {
        /// Client name -> encryptor names.
        var clients: [String: [String]] = [:]
        /// Client names in first-registration order.
        var order: [String] = []
        /// Encryptor name -> client name.
        var owners: [String: String] = [:]

        mutating func apply(_ client: String, _ encryptors: [String]) {
            if let old = clients[client] {
                for name in old where owners[name] == client { owners[name] = nil }
            } else {
                order.append(client)
            }
            clients[client] = encryptors
            for name in encryptors { owners[name] = client }
        }

        func all() -> [RegistrationRequest] {
            order.compactMap { name in clients[name].map { RegistrationRequest(clientName: name, encryptorNames: $0) } }
        }
    }
}
