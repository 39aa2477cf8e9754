@testable import DSKEClient
import DSKECore
import Foundation
import PSRDStore
import Testing

/// The gather's batch path (`KeyRelay.rebuild(keyIDs:from:)`): hubs' packed answers, opened
/// into columns, rebuild a batch at once; any key that does not fit (a tampered share, a hub
/// missing, a refusal) must end exactly as it did one key at a time: right key, hub blamed,
/// errors classified. No network: the hubs' answers are made here.
@Suite struct ColumnRebuildTests {
    static let hubNames = ["hank", "helen", "hilary", "holly", "hugo"]
    static let keyCount = 20
    static let size = 32

    /// A relay over five hubs that are never contacted, with its log, and a batch's columns.
    private struct Fixture {
        let relay: KeyRelay
        let logs = LogCapture()
        let keyIDs = UserKey.randomIDs(ColumnRebuildTests.keyCount)
        let secrets = (0..<ColumnRebuildTests.keyCount).map { _ in SecureRandom.bytes(ColumnRebuildTests.size) }
        let columns: [[UInt8]]
        let root: String

        init(threshold: Int = 3) async throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("dske-column-tests-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            let store = try await NodeStore(directory: root, localRole: .client)
            let endpoints = ColumnRebuildTests.hubNames.enumerated().map {
                HubEndpoint(name: $1, baseURL: "http://127.0.0.1:\(9 + $0)/hub/\($1)")
            }
            let settings = ClientSettings(name: "connie", encryptors: ["sofia"], hubs: endpoints, saeOwners: [:],
                                          minNrShares: threshold)
            let logger = logs.logger(label: "connie")
            let hubs = endpoints.enumerated().map {
                PeerHub(index: $0, endpoint: $1, settings: settings, store: store, logger: logger)
            }
            relay = KeyRelay(settings: settings, hubs: hubs, counters: ClientCounters(), logger: logger)
            columns = try Shamir.splitColumns(secrets: secrets, shareCount: hubs.count, threshold: threshold)
        }

        func answers(_ change: (Int, inout [UInt8]) -> FetchedShares? = { _, _ in nil }) -> [FetchedShares] {
            columns.enumerated().map { position, column in
                var column = column
                return change(position, &column)
                    ?? FetchedShares(index: position, column: ShareColumn(bytes: column, shareSize: ColumnRebuildTests.size))
            }
        }

        func failed(_ failure: HubFailure) -> FetchedShares { FetchedShares(PeerHub.all(keyIDs, failure)) }

        /// The per-key outcomes a hub answering share by share would have given.
        func perKey(_ position: Int) -> FetchedShares {
            let column = ShareColumn(bytes: columns[position], shareSize: ColumnRebuildTests.size)
            return FetchedShares(FetchedShares(index: position, column: column).perKeyOutcomes(keyIDs))
        }

        func expectKeys(_ keys: [UserKey?], except missing: Set<Int> = []) {
            #expect(keys.count == keyIDs.count)
            for (i, id) in keyIDs.enumerated() {
                if missing.contains(i) {
                    #expect(keys[i] == nil, "key \(i)")
                } else {
                    #expect(keys[i]?.id == id && keys[i]?.value == secrets[i], "key \(i)")
                }
            }
        }

        func blames() async -> [Int] {
            var counts: [Int] = []
            for hub in relay.hubs { counts.append(await hub.counters.inconsistentShares) }
            return counts
        }

        func remove() { try? FileManager.default.removeItem(atPath: root) }
    }

    @Test func intactColumnsRebuildEveryKeyAndBlameNoHub() async throws {
        let fixture = try await Fixture()
        defer { fixture.remove() }
        let (keys, errors) = await fixture.relay.rebuild(keyIDs: fixture.keyIDs, from: fixture.answers())
        #expect(errors.isEmpty)
        fixture.expectKeys(keys)
        #expect(await fixture.blames() == [0, 0, 0, 0, 0])
    }

    /// One share altered in a hub's column, among the first k (digest) and beyond (cross-check):
    /// that key still comes out right through the per-key path, which names the hub once.
    @Test(arguments: [0, 2, 4])
    func aTamperedShareInAColumnIsBlamedAndItsKeyStillRebuilt(tampered: Int) async throws {
        let fixture = try await Fixture()
        defer { fixture.remove() }
        let key = 7
        let answers = fixture.answers { position, column in
            if position == tampered { column[key * ColumnRebuildTests.size + 5] ^= 0x10 }
            return nil
        }
        let (keys, errors) = await fixture.relay.rebuild(keyIDs: fixture.keyIDs, from: answers)
        #expect(errors.isEmpty)
        fixture.expectKeys(keys)
        var expected = [0, 0, 0, 0, 0]
        expected[tampered] = 1
        #expect(await fixture.blames() == expected)
        #expect(await fixture.relay.counters.value(.inconsistentShares) == 1)
        #expect(fixture.logs.contains("hub \(Self.hubNames[tampered]) returned a bad share of key \(fixture.keyIDs[key].lowercased)"))
    }

    /// Hubs down leave the others' columns on the batch path; with k left and one of them
    /// tampered, that key fails (which share is wrong cannot be told), the rest are delivered.
    @Test func hubsDownAndATamperedShareAmongTheLastK() async throws {
        let fixture = try await Fixture()
        defer { fixture.remove() }
        let down = fixture.failed(.unreachable("no answer before the deadline"))
        var answers = fixture.answers()
        answers[1] = down
        let (keys, errors) = await fixture.relay.rebuild(keyIDs: fixture.keyIDs, from: answers)
        #expect(errors.isEmpty)
        fixture.expectKeys(keys)

        answers[3] = down
        answers[4] = fixture.answers { position, column in
            if position == 4 { column[11 * ColumnRebuildTests.size] ^= 1 }
            return nil
        }[4]
        let (fewer, failures) = await fixture.relay.rebuild(keyIDs: fixture.keyIDs, from: answers)
        fixture.expectKeys(fewer, except: [11])
        #expect(failures.count == 1)
        if case .inconsistentShares(let id, _)? = failures.first { #expect(id == fixture.keyIDs[11]) } else {
            Issue.record("expected inconsistentShares, got \(failures)")
        }
    }

    /// Below k shares the per-key path classifies as before: refusals give 401, gone keys 404.
    @Test func refusalsAndMissingKeysAreClassifiedAsBefore() async throws {
        let fixture = try await Fixture()
        defer { fixture.remove() }
        var answers = fixture.answers()
        for position in 2..<5 { answers[position] = fixture.failed(.notAllowed("not the slave of these keys")) }
        let (keys, errors) = await fixture.relay.rebuild(keyIDs: fixture.keyIDs, from: answers)
        #expect(keys.allSatisfy { $0 == nil })
        #expect(errors.count == fixture.keyIDs.count)
        #expect(errors.allSatisfy { if case .notAllowed = $0 { true } else { false } })

        for position in 2..<5 { answers[position] = fixture.failed(.notFound) }
        let (_, gone) = await fixture.relay.rebuild(keyIDs: fixture.keyIDs, from: answers)
        #expect(KeyRelay.mostTelling(gone) == .keysNotFound(fixture.keyIDs))
    }

    /// A hub answering key by key (list form, reference hub) sends the batch down the per-key
    /// path, and a column under another hub's index is not taken as that hub's: same keys.
    @Test func answersThatAreNotOwnColumnsGiveTheSameKeys() async throws {
        let fixture = try await Fixture()
        defer { fixture.remove() }
        var answers = fixture.answers()
        answers[2] = fixture.perKey(2)
        let (keys, errors) = await fixture.relay.rebuild(keyIDs: fixture.keyIDs, from: answers)
        #expect(errors.isEmpty)
        fixture.expectKeys(keys)

        answers = fixture.answers()
        answers[4] = FetchedShares(index: 3, column: ShareColumn(bytes: fixture.columns[3], shareSize: Self.size))
        let (claimed, failures) = await fixture.relay.rebuild(keyIDs: fixture.keyIDs, from: answers)
        #expect(failures.isEmpty)
        fixture.expectKeys(claimed)
        #expect(await fixture.blames() == [0, 0, 0, 0, fixture.keyIDs.count])
    }

    /// Threshold 1: every share is the key; one differing share is outvoted and blamed.
    @Test func thresholdOneColumns() async throws {
        let fixture = try await Fixture(threshold: 1)
        defer { fixture.remove() }
        let answers = fixture.answers { position, column in
            if position == 0 { column[2 * ColumnRebuildTests.size] ^= 1 }
            return nil
        }
        let (keys, errors) = await fixture.relay.rebuild(keyIDs: fixture.keyIDs, from: answers)
        #expect(errors.isEmpty)
        fixture.expectKeys(keys)
        #expect(await fixture.blames() == [1, 0, 0, 0, 0])
    }
}
