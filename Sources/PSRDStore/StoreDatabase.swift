import DSKECore
import Foundation
import GRDB

/// The SQLite side of the store: block metadata, the ledger of every block UUID ever added, and
/// the imported bundle IDs. WAL with synchronous=FULL, so a committed mark survives power loss.
final class StoreDatabase {
    private let queue: DatabaseQueue
    /// Write transactions committed (each one an fsync of the WAL): reported by the benchmark.
    private(set) var commits = 0

    init(path: String) throws(StoreError) {
        var config = Configuration()
        config.journalMode = .wal
        config.label = "psrd-store"
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        do {
            queue = try DatabaseQueue(path: path, configuration: config)
            try Self.migrator.migrate(queue)
        } catch {
            throw .database("cannot open \(path): \(error)")
        }
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE block (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    uuid TEXT NOT NULL UNIQUE,
                    peer TEXT NOT NULL,
                    owner TEXT NOT NULL CHECK (owner IN ('client', 'hub')),
                    size INTEGER NOT NULL CHECK (size > 0),
                    mark INTEGER NOT NULL CHECK (mark >= 0 AND mark <= size),
                    taken TEXT,
                    state TEXT NOT NULL CHECK (state IN ('active', 'exhausted')),
                    created DATETIME NOT NULL,
                    source TEXT NOT NULL
                );
                CREATE INDEX block_state ON block (state, peer);
                -- Every block UUID ever added; never deleted, so PSRD is never accepted twice.
                CREATE TABLE block_ledger (
                    uuid TEXT PRIMARY KEY NOT NULL,
                    added DATETIME NOT NULL
                ) WITHOUT ROWID;
                -- Store-wide settings, such as the role the store was created for.
                CREATE TABLE meta (
                    key TEXT PRIMARY KEY NOT NULL,
                    value TEXT NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE bundle (
                    id TEXT PRIMARY KEY NOT NULL,
                    imported DATETIME NOT NULL
                ) WITHOUT ROWID;
                """)
        }
        return migrator
    }

    private func write<T>(_ what: String, _ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            let result = try queue.write(body)
            commits += 1
            return result
        } catch let error as StoreError {
            throw error
        } catch {
            throw .database("\(what): \(error)")
        }
    }

    private func read<T>(_ what: String, _ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try queue.read(body)
        } catch {
            throw .database("\(what): \(error)")
        }
    }

    /// Records the node role on first open and refuses another one later: opened under the
    /// other role, own and peer pools would swap and the marks would mean the wrong thing.
    func claimRole(_ role: PoolOwner) throws(StoreError) {
        let stored: String? = try write("checking the store role") { db in
            if let stored = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'role'") { return stored }
            try db.execute(sql: "INSERT INTO meta (key, value) VALUES ('role', ?)", arguments: [role.rawValue])
            return nil
        }
        if let stored, stored != role.rawValue {
            throw .invalidArgument("this store belongs to a \(stored) node; it cannot be opened as a \(role.rawValue)")
        }
    }

    func blocks(state: BlockRow.State) throws(StoreError) -> [BlockRow] {
        try read("loading blocks") { db in
            try BlockRow.filter(Column("state") == state.rawValue).order(Column("id")).fetchAll(db)
        }
    }

    /// Persists marks (and clears any clean-close `taken`) in one transaction, optionally also
    /// retiring blocks.
    func setMarks(_ marks: [(UUID, Int)], exhausted: [UUID] = []) throws(StoreError) {
        try write("persisting PSRD marks") { db in
            let update = try db.cachedStatement(sql: "UPDATE block SET mark = ?, taken = NULL WHERE uuid = ?")
            for (uuid, mark) in marks { try update.execute(arguments: [mark, uuid.lowercased]) }
            let retire = try db.cachedStatement(sql: "UPDATE block SET state = 'exhausted' WHERE uuid = ?")
            for uuid in exhausted { try retire.execute(arguments: [uuid.lowercased]) }
        }
    }

    /// Writes the exact state of every block at a clean close.
    func setCleanState(own: [(UUID, Int)], peer: [(UUID, Int, String)]) throws(StoreError) {
        try write("persisting the clean-close state") { db in
            let ownUpdate = try db.cachedStatement(sql: "UPDATE block SET mark = ?, taken = NULL WHERE uuid = ?")
            for (uuid, mark) in own { try ownUpdate.execute(arguments: [mark, uuid.lowercased]) }
            let peerUpdate = try db.cachedStatement(sql: "UPDATE block SET mark = ?, taken = ? WHERE uuid = ?")
            for (uuid, floor, taken) in peer { try peerUpdate.execute(arguments: [floor, taken, uuid.lowercased]) }
        }
    }

    /// The UUIDs among `uuids` that the ledger already holds.
    func knownBlocks(_ uuids: [UUID]) throws(StoreError) -> [UUID] {
        try read("checking the block ledger") { db in
            try uuids.filter { uuid in
                try Bool.fetchOne(db, sql: "SELECT 1 FROM block_ledger WHERE uuid = ?", arguments: [uuid.lowercased]) ?? false
            }
        }
    }

    /// Adds blocks (and the bundle that brought them, if any) in one transaction: all or none.
    func insert(_ rows: [BlockRow], bundleID: String?) throws(StoreError) {
        try write("adding PSRD blocks") { db in
            let now = Date()
            if let bundleID {
                if try Bool.fetchOne(db, sql: "SELECT 1 FROM bundle WHERE id = ?", arguments: [bundleID]) ?? false {
                    throw StoreError.duplicateBundle(bundleID)
                }
                try db.execute(sql: "INSERT INTO bundle (id, imported) VALUES (?, ?)", arguments: [bundleID, now])
            }
            for row in rows {
                if try Bool.fetchOne(db, sql: "SELECT 1 FROM block_ledger WHERE uuid = ?", arguments: [row.uuid]) ?? false {
                    throw StoreError.duplicateBlock(row.blockUUID!)
                }
                try db.execute(sql: "INSERT INTO block_ledger (uuid, added) VALUES (?, ?)", arguments: [row.uuid, now])
                try row.insert(db)
            }
        }
    }

    func recordBundle(_ id: String) throws(StoreError) {
        try insert([], bundleID: id)
    }

    func close() throws(StoreError) {
        do { try queue.close() } catch { throw .database("closing: \(error)") }
    }
}
