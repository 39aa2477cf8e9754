import Foundation
import Testing
@testable import DSKEConfig

@Suite struct DSKEConfigurationTests {
    static let minimal = """
        hubs:
          - name: hank
          - name: helen
          - name: hilary
        """

    func parse(_ yaml: String, base: String = "/etc/dske") throws(ConfigError) -> DSKEConfiguration {
        try DSKEConfiguration.parse(yaml: yaml, sourceName: "dske-config.yaml", baseDirectory: base)
    }

    /// The issues of an invalid file, one `line:column: path: message` string each.
    func issues(_ yaml: String) -> [String] {
        do {
            _ = try parse(yaml)
            Issue.record("accepted:\n\(yaml)")
            return []
        } catch {
            #expect(error.description == error.issues.map(\.description).joined(separator: "\n"))
            return error.issues.map { $0.description }
        }
    }

    @Test func theShippedFileIsTheReferenceTopology() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("dske-config.yaml").path
        let config = try DSKEConfiguration.load(path: path)
        #expect(config.hubs.map(\.name) == ["hank", "helen", "hilary", "holly", "hugo"])
        #expect(config.clients.map(\.name) == ["carol", "celia", "cindy", "connie", "curtis"])
        #expect(config.clients.map(\.encryptors) == [["sam"], ["serena"], [], ["sofia"], ["sunny", "susan"]])
        #expect(config.nodes.map(\.port) == Array(8100..<8110))
        #expect(config.node(named: "hank")?.baseURL == "http://127.0.0.1:8100/hub/hank")
        #expect(config.node(named: "carol")?.baseURL == "http://127.0.0.1:8105/client/carol")
        #expect(config.client(owningEncryptor: "susan")?.name == "curtis")
        #expect(config.minNrShares == 3 && config.startRequestPSRDThreshold == 500 && config.stopRequestPSRDThreshold == 2000)
        #expect(config.getPSRDBlockSize == 2000)
        // Every key is written out in the shipped file, so its values are the documented defaults.
        let text = try String(contentsOfFile: path, encoding: .utf8)
        for key in ConfigReader.rootKeys { #expect(text.contains("\n\(key):"), "\(key) missing from dske-config.yaml") }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().standardizedFileURL.path
        #expect(config.dataDirectory == directory + "/data")
        #expect(config.node(named: "hugo")?.dataDirectory == directory + "/data/hugo")
    }

    @Test func defaultsApplyToAMinimalFile() throws {
        let config = try parse(Self.minimal)
        #expect(config.basePort == 8100)
        #expect(config.startRequestPSRDThreshold == 500 && config.stopRequestPSRDThreshold == 2000)
        #expect(config.getPSRDBlockSize == 2000 && config.minNrShares == 3)
        #expect(config.outOfBand == .http && config.authenticator == .hmacSHA256)
        #expect(config.host == "127.0.0.1" && config.defaultKeySize == 256)
        #expect(config.shareExpirySeconds == 300 && config.maxPSRDBlockSize == 16_777_216 && config.maxKeysPerRequest == 128)
        #expect(config.dataDirectory == "/etc/dske/data" && config.runDirectory == "/etc/dske/run")
        #expect(config.clients.isEmpty)
    }

    @Test func portsFollowTheReferencePlan() throws {
        let config = try parse("""
            base_port: 9000
            host: ::1
            min_nr_shares: 1
            hubs: [{name: zed}, {name: amy}]
            clients:
              - name: carl
              - name: bob
                encryptors: [{name: x1}, {name: a2}]
            """)
        #expect(config.nodes.map(\.name) == ["amy", "zed", "bob", "carl"])
        #expect(config.nodes.map(\.port) == [9000, 9001, 9002, 9003])
        #expect(config.nodes.map(\.role) == [.hub, .hub, .client, .client])
        #expect(config.client(named: "bob")?.baseURL == "http://[::1]:9002/client/bob")
        #expect(config.client(named: "bob")?.encryptors == ["x1", "a2"])
        #expect(config.client(owningEncryptor: "a2")?.name == "bob")
        #expect(config.client(owningEncryptor: "nobody") == nil)
        #expect(config.hub(named: "bob") == nil && config.client(named: "amy") == nil)
    }

    @Test func directoriesResolveAgainstTheFile() throws {
        let config = try parse(Self.minimal + "\ndata_directory: ../state/./x/\nrun_directory: /var/run/dske", base: "/srv/dske/conf")
        #expect(config.dataDirectory == "/srv/dske/state/x")
        #expect(config.runDirectory == "/var/run/dske")
        #expect(config.hubs[0].dataDirectory == "/srv/dske/state/x/hank")
    }

    @Test func theExampleIssueFromTheDocs() {
        let yaml = """
            hubs:
              - name: hank
              - name: helen
              - name: hilary
            clients:
              - name: carol
                encryptors:
                  - name: sam
              - name: celia
              - name: curtis
                encryptors:
                  - name: sam
            """
        #expect(issues(yaml) == [
            "dske-config.yaml:12:15: clients[2].encryptors[0].name: duplicate name 'sam'; encryptor names are SAE IDs and must be unique (first at line 8)",
        ])
    }

    /// The example in docs/configuration.md; keep the two in step.
    @Test func theDocumentedExample() {
        let yaml = """
            base_prot: 8100
            min_nr_shares: 4
            out_of_band: curier
            hubs:
              - name: Hank
              - name: helen
              - name: hilary
            clients:
              - name: helen
              - name: carol
                encryptors:
                  - name: sam
              - name: curtis
                encryptors:
                  - name: sam
            """
        #expect(issues(yaml) == [
            "dske-config.yaml:1:1: base_prot: unknown key 'base_prot' (did you mean 'base_port'?); allowed keys: "
                + ConfigReader.rootKeys.joined(separator: ", "),
            "dske-config.yaml:2:16: min_nr_shares: 4 shares needed but there are only 3 hubs",
            "dske-config.yaml:3:14: out_of_band: unknown value 'curier' (did you mean 'courier'?); allowed: http, courier",
            "dske-config.yaml:5:11: hubs[0].name: 'Hank' is not a valid name: use lowercase letters, digits, '_' and '-', starting with a letter or digit",
            "dske-config.yaml:9:11: clients[0].name: duplicate name 'helen'; already a hub (first at line 6)",
            "dske-config.yaml:15:15: clients[2].encryptors[0].name: duplicate name 'sam'; encryptor names are SAE IDs and must be unique (first at line 12)",
        ])
    }

    @Test func reportsEveryIssueInFileOrder() {
        let yaml = """
            base_prot: 8100
            start_request_psrd_threshold: 3000
            stop_request_psrd_threshold: 2000
            get_psrd_block_size: -5
            min_nr_shares: 5
            out_of_band: curier
            default_key_size: 250
            authenticator: md5
            hubs:
              - name: Hank
              - name: helen
              - helen
              - name: hilary
                port: 1
            clients:
              - name: helen
              - encryptors: []
            """
        let found = issues(yaml)
        #expect(found == [
            "dske-config.yaml:1:1: base_prot: unknown key 'base_prot' (did you mean 'base_port'?); allowed keys: "
                + ConfigReader.rootKeys.joined(separator: ", "),
            "dske-config.yaml:3:30: stop_request_psrd_threshold: must be greater than start_request_psrd_threshold (3000), got 2000",
            "dske-config.yaml:4:22: get_psrd_block_size: -5 is outside 1...",
            "dske-config.yaml:5:16: min_nr_shares: 5 shares needed but there are only 4 hubs",
            "dske-config.yaml:6:14: out_of_band: unknown value 'curier' (did you mean 'courier'?); allowed: http, courier",
            "dske-config.yaml:7:19: default_key_size: 250 bits is not a multiple of 8",
            "dske-config.yaml:8:16: authenticator: unknown value 'md5'; allowed: hmac-sha256, poly1305",
            "dske-config.yaml:10:11: hubs[0].name: 'Hank' is not a valid name: use lowercase letters, digits, '_' and '-', starting with a letter or digit",
            "dske-config.yaml:12:5: hubs[2]: expected a mapping, found 'helen'; write '- name: helen'",
            "dske-config.yaml:14:5: hubs[3].port: unknown key 'port'; allowed keys: name",
            "dske-config.yaml:16:11: clients[0].name: duplicate name 'helen'; already a hub (first at line 11)",
            "dske-config.yaml:17:5: clients[1]: missing key 'name'",
        ], "\(found.joined(separator: "\n"))")
    }

    @Test func reportsSyntaxErrorsWithTheirLine() {
        let found = issues("hubs:\n  - name: hank\n  - name: [helen\nclients: x\n")
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("dske-config.yaml:") == true)
        #expect(found.first?.contains("YAML syntax error") == true, "\(found)")
        let tabs = issues("hubs:\n\t- name: hank\n")
        #expect(tabs.first?.hasPrefix("dske-config.yaml:2:") == true, "\(tabs)")
        let duplicate = issues("hubs: []\nhubs: []\n")
        #expect(duplicate.first?.contains("duplicate key 'hubs'") == true, "\(duplicate)")
    }

    @Test(arguments: [
        ("", "the file is empty"),
        ("# only a comment\n", "the file is empty"),
        ("- hank\n", "expected a mapping"),
        ("clients: []\n", "hubs: missing"),
        ("hubs: []\n", "needs at least one hub"),
        ("hubs: hank\n", "expected a list of mappings"),
        ("hubs:\n  - name:\n", "expected a string, found nothing"),
        ("hubs:\n  - name: ''\n", "must not be empty"),
        ("hubs:\n  - name: _x\n", "is not a valid name"),
        ("hubs:\n  - name: a/b\n", "is not a valid name"),
        ("hubs:\n  - name: é\n", "is not a valid name"),
        ("hubs:\n  - name: \(String(repeating: "a", count: 65))\n", "longer than 64"),
        ("hubs: [{name: a}, {name: a}]\nmin_nr_shares: 1\n", "duplicate name 'a'"),
        ("hubs: [{name: a}]\nclients: [{name: a}]\nmin_nr_shares: 1\n", "already a hub"),
        ("hubs: [{name: a}]\nmin_nr_shares: 0\n", "0 is outside 1...16"),
        ("hubs: [{name: a}]\n", "3 shares needed but there is only 1 hub"),
        ("hubs: [{name: a}]\nmin_nr_shares: 1\nbase_port: 0\n", "0 is outside 1...65535"),
        ("hubs: [{name: a}, {name: b}]\nmin_nr_shares: 1\nbase_port: 65535\n", "beyond 65535"),
        ("hubs: [{name: a}]\nmin_nr_shares: 1\nbase_port: '8100'\n", "expected an integer, found '8100'"),
        ("hubs: [{name: a}]\nmin_nr_shares: 1\nbase_port: 8100.0\n", "expected an integer"),
        ("hubs: [{name: a}]\nmin_nr_shares: 1\nbase_port: 0x1fa4\n", "expected an integer"),
        ("hubs: [{name: a}]\nmin_nr_shares: 1\nbase_port: 1:20\n", "expected an integer"),
        ("hubs: [{name: a}]\nmin_nr_shares: 1\nbase_port: 99999999999999999999999\n", "is outside"),
        ("hubs: [{name: a}]\nmin_nr_shares: 1\nget_psrd_block_size: 4096\nmax_psrd_block_size: 4095\n", "exceeds max_psrd_block_size"),
        ("hubs: [{name: a}]\nmin_nr_shares: 1\ndefault_key_size: 16\n", "16 is outside 32...16777216"),
        ("hubs: [{name: a}]\nmin_nr_shares: 1\ndefault_key_size: 16777224\n", "is outside"),
        ("hubs: [{name: a}]\nmin_nr_shares: 1\nshare_expiry_seconds: 0\n", "is outside"),
        ("hubs: [{name: a}]\nmin_nr_shares: 1\nmax_keys_per_request: -1\n", "is outside"),
        ("hubs: [{name: a}]\nmin_nr_shares: 1\nhost: http://x\n", "not a host name"),
        ("hubs: [{name: a}]\nmin_nr_shares: 1\nhost: a b\n", "not a host name"),
        ("hubs: [{name: a}]\nmin_nr_shares: 1\ndata_directory: [x]\n", "expected a string"),
        ("hubs: [{name: a}]\nmin_nr_shares: 1\nout_of_band: HTTP\n", "unknown value 'HTTP'"),
        ("hubs: [{name: a}]\nmin_nr_shares: 1\nclients: [{name: c, encryptors: [{name: s}, {name: s}]}]\n", "duplicate name 's'"),
        ("hubs: [{name: a}]\nmin_nr_shares: 1\nclients: [{name: c, encryptors: [{name: s}]}, {name: d, encryptors: [{nam: s}]}]\n",
         "unknown key 'nam' (did you mean 'name'?)"),
        ("hubs: [{name: a}]\nmin_nr_shares: 1\n? [x]\n: 1\n", "keys must be plain names"),
    ])
    func refuses(_ yaml: String, _ expected: String) {
        let found = issues(yaml)
        #expect(found.contains { $0.contains(expected) }, "\(found.joined(separator: "\n"))")
        #expect(found.allSatisfy { $0.hasPrefix("dske-config.yaml:") && !$0.contains("\n") })
    }

    @Test func aliasesWork() throws {
        let config = try parse("hubs: &h [{name: a}]\nmin_nr_shares: 1\nclients: [{name: c, encryptors: &e [{name: s}]}]\n")
        #expect(config.client(named: "c")?.encryptors == ["s"])
    }

    /// A billion-laughs file: each line multiplies the entries the one before names. Yams expands
    /// aliases, so the reader must bound its own walk (and the issues it keeps).
    @Test func aliasBombsAreBounded() {
        var yaml = "min_nr_shares: 1\nhubs: [{name: a}]\nclients:\n  - &c0 {name: c, encryptors: [" +
            (0..<400).map { "{name: e\($0)}" }.joined(separator: ", ") + "]}\n"
        yaml += (1..<400).map { _ in "  - *c0\n" }.joined()
        let found = issues(yaml)
        #expect(found.count == ConfigReader.maxIssues + 1, "\(found.count)")
        #expect(found.last?.contains("more issues not shown") == true)
    }

    @Test func tooManyHubs() {
        let hubs = (0..<17).map { "  - name: h\($0)" }.joined(separator: "\n")
        let found = issues("hubs:\n" + hubs + "\n")
        #expect(found.contains { $0.contains("17 hubs exceed the limit of 16") }, "\(found)")
        let sixteen = (0..<16).map { "  - name: h\($0)" }.joined(separator: "\n")
        #expect((try? parse("hubs:\n" + sixteen + "\n"))?.hubs.count == 16)
    }

    @Test func encryptorsMayBeAbsentOrEmpty() throws {
        let config = try parse(Self.minimal + "\nclients:\n  - name: a\n  - name: b\n    encryptors:\n  - name: c\n    encryptors: []\n")
        #expect(config.clients.map(\.encryptors) == [[], [], []])
    }

    @Test func namesThatYAMLWouldReadAsOtherTypesStayNames() throws {
        // `no`, `null`-like and numeric names are valid names; YAML 1.1 would turn them into
        // booleans and numbers, which is not what an operator means here.
        let config = try parse("min_nr_shares: 1\nhubs: [{name: no}, {name: '123'}, {name: 7}]\n")
        #expect(config.hubs.map(\.name) == ["123", "7", "no"])
    }

    @Test func loadReportsUnreadableFiles() throws {
        #expect {
            try DSKEConfiguration.load(path: "/nonexistent/dske-config.yaml")
        } throws: { error in
            let issue = (error as? ConfigError)?.issues.first
            return issue?.line == nil && issue?.description.hasPrefix("/nonexistent/dske-config.yaml: cannot read") == true
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dske-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("bad.yaml")
        try Data([0x68, 0x75, 0x62, 0x73, 0x3A, 0xFF, 0xFE]).write(to: file)
        #expect(throws: ConfigError.self) { try DSKEConfiguration.load(path: file.path) }
        let good = directory.appendingPathComponent("good.yaml")
        try Data(Self.minimal.utf8).write(to: good)
        #expect(try DSKEConfiguration.load(path: good.path).dataDirectory == directory.standardizedFileURL.path + "/data")
    }

    @Test func suggestionsNeedACloseUniqueMatch() {
        #expect(ConfigReader.closest(to: "bse_port", in: ConfigReader.rootKeys) == "base_port")
        #expect(ConfigReader.closest(to: "client", in: ConfigReader.rootKeys) == "clients")
        #expect(ConfigReader.closest(to: "zzz", in: ConfigReader.rootKeys) == nil)
        #expect(ConfigReader.editDistance("kitten", "sitting") == 3)
    }
}
