import Foundation
import Yams

/// Walks the YAML node tree of a configuration file, collecting every problem with its place
/// instead of stopping at the first, then builds the configuration if there were none.
struct ConfigReader {
    let source: String
    let baseDirectory: String
    /// Whether files the configuration names (TLS certificates and keys) must exist.
    var checkFiles = true
    private(set) var issues: [ConfigIssue] = []
    /// Set once `maxIssues` is reached: further issues are counted, not kept.
    private var droppedIssues = 0
    /// List entries read so far, against `maxListEntries`.
    private var listEntries = 0
    private var listBudgetExceeded = false

    /// A file with more problems than this is not a typo away from correct.
    static let maxIssues = 200
    /// YAML aliases can repeat a list many times over without making the file larger (and Yams
    /// resolves them before we see the tree), so the walk is bounded by entries read, not by
    /// file size. Far above any real topology.
    static let maxListEntries = 100_000

    init(source: String, baseDirectory: String) {
        self.source = source
        self.baseDirectory = baseDirectory
    }

    static let rootKeys = [
        "base_port", "start_request_psrd_threshold", "stop_request_psrd_threshold", "get_psrd_block_size",
        "min_nr_shares", "out_of_band", "data_directory", "run_directory", "host", "default_key_size",
        "authenticator", "share_expiry_seconds", "max_psrd_block_size", "max_keys_per_request", "low_pool_warning_percent",
        "hubs", "clients",
    ]
    static let hubKeys = ["name"]
    static let clientKeys = ["name", "encryptors", "tls"]
    static let encryptorKeys = ["name", "certificate_identity"]

    /// A line and column, 1-based.
    struct Place: Comparable {
        let line: Int
        let column: Int
        init(line: Int, column: Int) {
            self.line = line
            self.column = column
        }
        init?(_ mark: Mark?) {
            guard let mark else { return nil }
            self.init(line: mark.line, column: mark.column)
        }
        static func < (a: Place, b: Place) -> Bool { (a.line, a.column) < (b.line, b.column) }
    }

    /// A member of a mapping: where its key and value are.
    struct Entry {
        let key: Node
        let value: Node
        let path: String
        var place: Place? { Place(value.mark) ?? Place(key.mark) }
    }

    /// A name with the place it was written, for duplicate reports.
    struct PlacedName {
        let name: String
        let place: Place?
    }

    var sortedIssues: [ConfigIssue] {
        // Stable: issues at one place keep the order they were found in.
        var sorted = issues.enumerated().sorted { a, b in
            let left = (a.element.line ?? 0, a.element.column ?? 0, a.offset)
            let right = (b.element.line ?? 0, b.element.column ?? 0, b.offset)
            return left < right
        }.map(\.element)
        if droppedIssues > 0 {
            sorted.append(ConfigIssue(source: source, line: nil, column: nil, path: "",
                                      message: "\(droppedIssues) more issues not shown"))
        }
        return sorted
    }

    mutating func report(_ place: Place?, _ path: String, _ message: String) {
        guard issues.count < Self.maxIssues else {
            droppedIssues += 1
            return
        }
        issues.append(ConfigIssue(source: source, line: place?.line, column: place?.column, path: path, message: message))
    }

    // MARK: the document

    mutating func read(yaml: String) -> DSKEConfiguration? {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            reportSyntax(error, yaml: yaml)
            return nil
        } catch {
            report(nil, "", "cannot parse YAML: \(error)")
            return nil
        }
        guard let root, !isNull(root) else {
            report(Place(line: 1, column: 1), "", "the file is empty: it needs at least 'hubs'")
            return nil
        }
        guard let members = mapping(root, path: "", allowed: Self.rootKeys) else { return nil }
        let rootPlace = Place(root.mark) ?? Place(line: 1, column: 1)

        let basePort = integer(members["base_port"], default: DSKEConfiguration.Defaults.basePort, in: 1...65535)
        let startThreshold = integer(members["start_request_psrd_threshold"],
                                     default: DSKEConfiguration.Defaults.startRequestPSRDThreshold, in: 1...Int.max)
        let stopThreshold = integer(members["stop_request_psrd_threshold"],
                                    default: DSKEConfiguration.Defaults.stopRequestPSRDThreshold, in: 1...Int.max)
        let blockSize = integer(members["get_psrd_block_size"], default: DSKEConfiguration.Defaults.getPSRDBlockSize, in: 1...Int.max)
        let minShares = integer(members["min_nr_shares"], default: DSKEConfiguration.Defaults.minNrShares,
                                in: 1...DSKEConfiguration.Limits.maxHubs)
        let outOfBand = choice(members["out_of_band"], default: DSKEConfiguration.Defaults.outOfBand)
        let dataDirectory = directory(members["data_directory"], default: DSKEConfiguration.Defaults.dataDirectory)
        let runDirectory = directory(members["run_directory"], default: DSKEConfiguration.Defaults.runDirectory)
        let host = hostName(members["host"])
        let keySize = integer(members["default_key_size"], default: DSKEConfiguration.Defaults.defaultKeySize,
                              in: DSKEConfiguration.Limits.keySizeRange)
        let authenticator = choice(members["authenticator"], default: DSKEConfiguration.Defaults.authenticator)
        let expiry = integer(members["share_expiry_seconds"], default: DSKEConfiguration.Defaults.shareExpirySeconds,
                             in: 1...(365 * 24 * 3600))
        let maxBlock = integer(members["max_psrd_block_size"], default: DSKEConfiguration.Defaults.maxPSRDBlockSize,
                               in: 1...(1 << 30))
        let maxKeys = integer(members["max_keys_per_request"], default: DSKEConfiguration.Defaults.maxKeysPerRequest,
                              in: 1...1_000_000)
        let lowPool = integer(members["low_pool_warning_percent"], default: DSKEConfiguration.Defaults.lowPoolWarningPercent,
                              in: 0...100)

        if let size = keySize, size % 8 != 0 {
            report(members["default_key_size"]?.place, "default_key_size", "\(size) bits is not a multiple of 8")
        }
        if let start = startThreshold, let stop = stopThreshold, start >= stop {
            report(members["stop_request_psrd_threshold"]?.place ?? members["start_request_psrd_threshold"]?.place,
                   "stop_request_psrd_threshold",
                   "must be greater than start_request_psrd_threshold (\(start)), got \(stop)")
        }
        if let block = blockSize, let limit = maxBlock, block > limit {
            report(members["get_psrd_block_size"]?.place ?? members["max_psrd_block_size"]?.place, "get_psrd_block_size",
                   "\(block) bytes exceeds max_psrd_block_size (\(limit))")
        }

        // Nodes: names are checked for syntax here and for uniqueness across all lists below.
        var hubNames: [PlacedName] = []
        if let entry = members["hubs"] {
            hubNames = nodeList(entry, allowed: Self.hubKeys) { reader, _, _ in reader.nothing() }.map(\.name)
            if hubNames.isEmpty, sequenceCount(entry.value) == 0 {
                report(entry.place, "hubs", "needs at least one hub")
            }
        } else {
            report(rootPlace, "hubs", "missing: the network needs at least one hub")
        }
        var clientEntries: [(name: PlacedName, encryptors: [PlacedName])] = []
        var clientSecurity: [String: ClientSecurity] = [:]
        if let entry = members["clients"], !isNull(entry.value) {
            let read = nodeList(entry, allowed: Self.clientKeys) { reader, members, path in
                var security = ClientSecurity(tls: members["tls"].flatMap { reader.tlsSection($0) })
                guard let encryptors = members["encryptors"], !reader.isNull(encryptors.value) else { return ([PlacedName](), security) }
                let saes = reader.nodeList(encryptors, allowed: Self.encryptorKeys) { reader, members, path in
                    let written = members["certificate_identity"]
                    return (written.flatMap { reader.certificateIdentity($0) }, written?.place, written?.path ?? path)
                }
                for sae in saes {
                    security.identities[sae.name.name] = sae.extra.0
                    security.places[sae.name.name] = (sae.extra.1 ?? sae.name.place, sae.extra.2)
                }
                return (saes.map(\.name), security)
            }
            clientEntries = read.map { (name: $0.name, encryptors: $0.extra.0) }
            for client in read { clientSecurity[client.name.name] = client.extra.1 }
        }

        // Count the hubs as written, so an invalid name elsewhere does not change this message.
        let hubCount = max(hubNames.count, members["hubs"].flatMap { sequenceCount($0.value) } ?? 0)
        if hubCount > DSKEConfiguration.Limits.maxHubs {
            report(members["hubs"]?.place, "hubs",
                   "\(hubCount) hubs exceed the limit of \(DSKEConfiguration.Limits.maxHubs) (Shamir share indices are 0..15)")
        }
        if let k = minShares, hubCount > 0, k > hubCount {
            report(members["min_nr_shares"]?.place ?? members["hubs"]?.place, "min_nr_shares",
                   "\(k) shares needed but there \(hubCount == 1 ? "is only 1 hub" : "are only \(hubCount) hubs")")
        }
        checkUnique(hubs: hubNames, clients: clientEntries)

        let nodeCount = hubNames.count + clientEntries.count
        if let base = basePort, nodeCount > 0, base + nodeCount - 1 > 65535 {
            report(members["base_port"]?.place ?? rootPlace, "base_port",
                   "\(nodeCount) nodes from port \(base) would need ports up to \(base + nodeCount - 1), beyond 65535")
        }

        guard issues.isEmpty, droppedIssues == 0, let basePort, let startThreshold, let stopThreshold, let blockSize, let minShares,
              let outOfBand, let dataDirectory, let runDirectory, let host, let keySize, let authenticator, let expiry,
              let maxBlock, let maxKeys, let lowPool
        else { return nil }

        // The reference's port plan: hubs first, then clients, each sorted by name.
        let hostInURL = host.contains(":") ? "[\(host)]" : host
        var port = basePort
        func node(_ name: String, _ role: NodeRole, _ encryptors: [String]) -> NodeConfiguration {
            defer { port += 1 }
            let security = clientSecurity[name]
            return NodeConfiguration(name: name, role: role, port: port,
                                     baseURL: "http://\(hostInURL):\(port)/\(role.rawValue)/\(name)",
                                     dataDirectory: dataDirectory + "/" + name, encryptors: encryptors,
                                     tls: security?.tls?.settings(nodePort: port),
                                     encryptorIdentities: (security?.identities ?? [:]).compactMapValues { $0 })
        }
        let hubs = hubNames.map(\.name).sorted().map { node($0, .hub, []) }
        let clients = clientEntries.sorted { $0.name.name < $1.name.name }.map { node($0.name.name, .client, $0.encryptors.map(\.name)) }
        checkSecurity(hubs + clients, sections: clientSecurity)
        guard issues.isEmpty else { return nil }
        return DSKEConfiguration(
            basePort: basePort, startRequestPSRDThreshold: startThreshold, stopRequestPSRDThreshold: stopThreshold,
            getPSRDBlockSize: blockSize, minNrShares: minShares, outOfBand: outOfBand, dataDirectory: dataDirectory,
            runDirectory: runDirectory, host: host, defaultKeySize: keySize, authenticator: authenticator,
            shareExpirySeconds: expiry, maxPSRDBlockSize: maxBlock, maxKeysPerRequest: maxKeys, hubs: hubs, clients: clients,
            lowPoolWarningPercent: lowPool)
    }

    private func nothing() -> [PlacedName] { [] }

    /// Hub, client and encryptor names share one namespace per kind; encryptor names are SAE IDs
    /// and so unique network-wide; a name cannot be both a hub and a client (one data directory,
    /// one URL path per name).
    private mutating func checkUnique(hubs: [PlacedName], clients: [(name: PlacedName, encryptors: [PlacedName])]) {
        var nodes: [String: (role: String, place: Place?)] = [:]
        func describe(_ place: Place?) -> String { place.map { " (first at line \($0.line))" } ?? "" }
        for (index, hub) in hubs.enumerated() {
            if let first = nodes[hub.name] {
                report(hub.place, "hubs[\(index)].name", "duplicate name '\(hub.name)'; already a \(first.role)\(describe(first.place))")
            } else {
                nodes[hub.name] = ("hub", hub.place)
            }
        }
        var encryptors: [String: Place?] = [:]
        for (index, client) in clients.enumerated() {
            if let first = nodes[client.name.name] {
                report(client.name.place, "clients[\(index)].name",
                       "duplicate name '\(client.name.name)'; already a \(first.role)\(describe(first.place))")
            } else {
                nodes[client.name.name] = ("client", client.name.place)
            }
            for (position, encryptor) in client.encryptors.enumerated() {
                if let first = encryptors[encryptor.name] {
                    report(encryptor.place, "clients[\(index)].encryptors[\(position)].name",
                           "duplicate name '\(encryptor.name)'; encryptor names are SAE IDs and must be unique\(describe(first))")
                } else {
                    encryptors[encryptor.name] = encryptor.place
                }
            }
        }
    }

    // MARK: YAML syntax

    private mutating func reportSyntax(_ error: YamlError, yaml: String) {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            let detail = context.map { " (\($0.text) at line \($0.mark.line))" } ?? ""
            report(Place(mark), "", "YAML syntax error: \(problem)\(detail)")
        case let .duplicatedKeysInMapping(duplicates, context):
            let keys = duplicates.map { "'\(Self.excerpt($0))'" }.joined(separator: ", ")
            report(Place(context.mark), "", "duplicate key \(keys) in one mapping")
        case let .reader(problem, offset, _, _):
            report(offset.map { Self.place(ofByte: $0, in: yaml) }, "", "cannot read YAML: \(problem)")
        default:
            report(nil, "", "cannot parse YAML: \(error)")
        }
    }

    static func place(ofByte offset: Int, in text: String) -> Place {
        var line = 1
        var column = 1
        for byte in text.utf8.prefix(max(0, offset)) {
            if byte == 0x0A {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return Place(line: line, column: column)
    }

    // MARK: node readers

    static func excerpt(_ text: String) -> String {
        let cleaned = String(String.UnicodeScalarView(text.unicodeScalars.prefix(40).map { $0.value < 0x20 || $0.value == 0x7F ? "?" : $0 }))
        return text.unicodeScalars.count > 40 ? cleaned + "..." : cleaned
    }

    func isNull(_ node: Node) -> Bool {
        if case .scalar(let scalar) = node, scalar.style == .plain || scalar.style == .any, node.null != nil { return true }
        return false
    }

    func describe(_ node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let scalar):
            return isNull(node) ? "nothing (null)" : "'\(Self.excerpt(scalar.string))'"
        }
    }

    private func sequenceCount(_ node: Node) -> Int? {
        if case .sequence(let sequence) = node { return sequence.count }
        return nil
    }

    /// The members of a mapping by key. Unknown keys are reported with the allowed ones and, for a
    /// near miss, the key that was probably meant.
    mutating func mapping(_ node: Node, path: String, allowed: [String]) -> [String: Entry]? {
        guard case .mapping(let mapping) = node else {
            report(Place(node.mark), path, "expected a mapping of \(allowed.map { "'\($0)'" }.joined(separator: ", ")), found \(describe(node))")
            return nil
        }
        var members: [String: Entry] = [:]
        for (key, value) in mapping {
            guard case .scalar(let scalar) = key else {
                report(Place(key.mark), path, "keys must be plain names, found \(describe(key))")
                continue
            }
            let name = scalar.string
            let memberPath = path.isEmpty ? name : "\(path).\(name)"
            guard allowed.contains(name) else {
                var message = "unknown key '\(Self.excerpt(name))'"
                if let guess = Self.closest(to: name, in: allowed) { message += " (did you mean '\(guess)'?)" }
                message += "; allowed keys: " + allowed.joined(separator: ", ")
                report(Place(key.mark), path.isEmpty ? Self.excerpt(name) : "\(path).\(Self.excerpt(name))", message)
                continue
            }
            members[name] = Entry(key: key, value: value, path: memberPath)
        }
        return members
    }

    /// A plain decimal integer in range; YAML 1.1's octal, hex, sexagesimal and underscore forms
    /// are refused because they surprise people (`port: 1:20` would be 80).
    mutating func integer(_ entry: Entry?, default value: Int, in range: ClosedRange<Int>) -> Int? {
        guard let entry else { return value }
        guard case .scalar(let scalar) = entry.value, scalar.style == .plain || scalar.style == .any else {
            report(entry.place, entry.path, "expected an integer, found \(describe(entry.value))")
            return nil
        }
        let text = scalar.string
        let digits = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
        guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            report(entry.place, entry.path, "expected an integer, found \(describe(entry.value))")
            return nil
        }
        guard let number = Int(text), range.contains(number) else {
            let upper = range.upperBound == Int.max ? "" : "\(range.upperBound)"
            report(entry.place, entry.path, "\(Self.excerpt(text)) is outside \(range.lowerBound)...\(upper)")
            return nil
        }
        return number
    }

    /// A non-empty string scalar (any quoting; a plain `null` or `~` is not a string).
    mutating func string(_ entry: Entry) -> String? {
        guard case .scalar(let scalar) = entry.value, !isNull(entry.value) else {
            report(entry.place, entry.path, "expected a string, found \(describe(entry.value))")
            return nil
        }
        guard !scalar.string.isEmpty else {
            report(entry.place, entry.path, "must not be empty")
            return nil
        }
        return scalar.string
    }

    private mutating func choice<Choice: RawRepresentable & CaseIterable>(_ entry: Entry?, default value: Choice) -> Choice?
        where Choice.RawValue == String
    {
        guard let entry else { return value }
        guard let text = string(entry) else { return nil }
        guard let choice = Choice(rawValue: text) else {
            let allowed = Choice.allCases.map(\.rawValue)
            var message = "unknown value '\(Self.excerpt(text))'"
            if let guess = Self.closest(to: text, in: allowed) { message += " (did you mean '\(guess)'?)" }
            report(entry.place, entry.path, message + "; allowed: " + allowed.joined(separator: ", "))
            return nil
        }
        return choice
    }

    /// Relative directories are relative to the configuration file, not to wherever the command
    /// happened to be started.
    mutating func directory(_ entry: Entry?, default value: String) -> String? {
        let text: String
        if let entry {
            guard let given = string(entry) else { return nil }
            guard !given.unicodeScalars.contains(where: { $0.value < 0x20 }) else {
                report(entry.place, entry.path, "contains control characters")
                return nil
            }
            text = given
        } else {
            text = value
        }
        let url = text.hasPrefix("/") ? URL(fileURLWithPath: text)
            : URL(fileURLWithPath: baseDirectory, isDirectory: true).appendingPathComponent(text)
        var path = url.standardizedFileURL.path
        while path.count > 1, path.hasSuffix("/") { path.removeLast() }
        return path
    }

    /// A host name, IPv4 address or IPv6 address: something that fits in `http://HOST:PORT/`.
    private mutating func hostName(_ entry: Entry?) -> String? {
        guard let entry else { return DSKEConfiguration.Defaults.host }
        guard let text = string(entry) else { return nil }
        let allowed = text.utf8.allSatisfy {
            ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) || $0 == 0x2E || $0 == 0x2D || $0 == 0x3A
        }
        guard allowed, text.utf8.count <= 253, !text.hasPrefix("-"), !text.hasPrefix(".") else {
            report(entry.place, entry.path,
                   "'\(Self.excerpt(text))' is not a host name or IP address (no scheme, port or path: e.g. 127.0.0.1)")
            return nil
        }
        return text
    }

    /// A node or encryptor name: it appears in URLs, directory names and SAE IDs.
    private mutating func name(_ entry: Entry) -> String? {
        guard let text = string(entry) else { return nil }
        let bytes = Array(text.utf8)
        let valid = bytes.enumerated().allSatisfy { index, byte in
            (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || (index > 0 && (byte == 0x5F || byte == 0x2D))
        }
        guard valid else {
            report(entry.place, entry.path,
                   "'\(Self.excerpt(text))' is not a valid name: use lowercase letters, digits, '_' and '-', starting with a letter or digit")
            return nil
        }
        guard bytes.count <= DSKEConfiguration.Limits.maxNameLength else {
            report(entry.place, entry.path, "name longer than \(DSKEConfiguration.Limits.maxNameLength) characters")
            return nil
        }
        return text
    }

    /// A list of `{name: ..., ...}` mappings; `extra` reads the other members of each item.
    private mutating func nodeList<Extra>(_ entry: Entry, allowed: [String],
                                          extra: (inout ConfigReader, [String: Entry], String) -> Extra)
        -> [(name: PlacedName, extra: Extra)]
    {
        guard case .sequence(let sequence) = entry.value else {
            report(entry.place, entry.path, "expected a list of mappings with 'name', found \(describe(entry.value))")
            return []
        }
        var result: [(name: PlacedName, extra: Extra)] = []
        for (index, item) in sequence.enumerated() {
            let path = "\(entry.path)[\(index)]"
            listEntries += 1
            guard listEntries <= Self.maxListEntries else {
                if !listBudgetExceeded {
                    listBudgetExceeded = true
                    report(Place(item.mark), path, "more than \(Self.maxListEntries) list entries in all (aliases?): not read further")
                }
                break
            }
            if case .scalar = item, !isNull(item) {
                report(Place(item.mark), path, "expected a mapping, found \(describe(item)); write '- name: \(Self.excerpt(item.string ?? ""))'")
                continue
            }
            guard let members = mapping(item, path: path, allowed: allowed) else { continue }
            let more = extra(&self, members, path)
            guard let nameEntry = members["name"] else {
                report(Place(item.mark), path, "missing key 'name'")
                continue
            }
            guard let name = name(nameEntry) else { continue }
            result.append((name: PlacedName(name: name, place: nameEntry.place), extra: more))
        }
        return result
    }

    /// The allowed word within edit distance 2 of a typo, if there is exactly one best.
    static func closest(to word: String, in candidates: [String]) -> String? {
        let scored = candidates.map { ($0, editDistance(word, $0)) }.filter { $0.1 <= max(1, min(2, $0.0.count / 3)) }
        guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
        return scored.filter { $0.1 == best.1 }.count == 1 ? best.0 : nil
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.unicodeScalars.prefix(64)), b = Array(b.unicodeScalars.prefix(64))
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
