import DSKECore
import DSKEService
import Logging
import PSRDStore

/// The client (KME) role: ETSI GS QKD 014 for its SAEs, one `PeerHub` per hub, and its part of
/// the management status.
struct ClientService: NodeService {
    let settings: ClientSettings
    let store: NodeStore
    let hubs: [PeerHub]
    let counters = ClientCounters()
    let relay: KeyRelay
    let etsi: ETSIInterface
    let skip: SKIPListener?
    let logger: Logger

    init(settings: ClientSettings, store: NodeStore, logger: Logger) {
        self.settings = settings
        self.store = store
        self.logger = logger
        hubs = settings.hubs.enumerated().map { index, endpoint in
            PeerHub(index: index, endpoint: endpoint, settings: settings, store: store, logger: logger)
        }
        relay = KeyRelay(settings: settings, hubs: hubs, counters: counters, logger: logger)
        let etsi = ETSIInterface(settings: settings, relay: relay, store: store, counters: counters, logger: logger)
        self.etsi = etsi
        skip = settings.skip.map { SKIPListener(interface: SKIPInterface(settings: settings, etsi: etsi, logger: logger), endpoint: $0) }
    }

    func routes() -> [Route] {
        etsi.routes(root: "/api/v1/keys") + etsi.routes(root: "/client/\(settings.name)/etsi/api/v1/keys")
    }

    /// `ready` once k hubs are registered, up and hold PSRD in both pools (a key can be made);
    /// `suspect_hubs` names the hubs that returned tampered or corrupted shares.
    func status() async -> JSONObject {
        var entries: [JSONValue] = []
        var suspects: [JSONValue] = []
        var readyHubs = 0
        for hub in hubs {
            let entry = await hub.statusObject()
            entries.append(.object(entry))
            if case .number(let count)? = entry["inconsistent_shares"], count.text != "0" { suspects.append(.string(hub.name)) }
            if await hub.isReady() { readyHubs += 1 }
        }
        return [
            "ready": .bool(readyHubs >= settings.minNrShares),
            "out_of_band": .string(settings.outOfBandHTTP ? "http" : "courier"),
            "encryptors": .array(settings.encryptors.map(JSONValue.string)),
            "min_nr_shares": .number(JSONNumber(settings.minNrShares)),
            "registrations": .array(entries),
            // Keys are never kept: an SAE's key leaves this node with the answer that carries it.
            "pending_shares": .number(JSONNumber(0)),
            "suspect_hubs": .array(suspects),
            "counters": .object(await counters.json),
            // The SKIP listener's port (null when SKIP is off or not listening yet).
            "skip_port": skip?.boundPort.map { .number(JSONNumber($0)) } ?? .null,
        ]
    }

    /// Every hub: the client holds PSRD with each.
    func pairedPeers() async -> [String] { hubs.map(\.name) }

    /// Registration, probes and refills of every hub, until the node stops.
    func runBackground() async {
        await withTaskGroup(of: Void.self) { group in
            for hub in hubs {
                group.addTask { await hub.maintain() }
            }
            if let skip { group.addTask { await skip.run() } }
        }
    }
}
