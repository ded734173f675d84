import Foundation
import JunctionCore
import JunctionSchema
import Logging
import SQLKit

/// The embedded backend: one SQLite file in WAL mode, so admin commands can read and write
/// it while `junction serve` runs (a busy timeout makes them wait for each other's writes).
///
/// One connection serves the process; a lock gives it to one session at a time, because a
/// transaction spans suspension points. Statements run on the calling task's thread
/// (``SQLiteConnection``).
final class SQLiteStore: SQLStore {
    let backendName = "sqlite"
    let dialect = Migration.Dialect.sqlite
    let backend: any SQLBackend = SQLiteBackend()
    private let connection: SQLiteConnection
    private let database: SQLiteDatabase
    private let checkpointer: SQLiteCheckpointer
    private let lock = AsyncSerialLock()
    private init(connection: SQLiteConnection, database: SQLiteDatabase, checkpointer: SQLiteCheckpointer) {
        self.connection = connection
        self.database = database
        self.checkpointer = checkpointer
    }

    /// Opens (creating when missing) the database file at `path`.
    static func open(path: String, logger: Logger) async throws -> SQLiteStore {
        let connection: SQLiteConnection
        do {
            // Concurrent writers (a command beside `junction serve`) wait for each other this long.
            connection = try SQLiteConnection(path: path, busyTimeout: .seconds(10))
        } catch {
            throw JunctionError(.storage, "cannot open SQLite database \(path): \(error)")
        }
        let db = SQLiteDatabase(connection: connection, logger: logger)
        do {
            // WAL lets readers in other processes run beside a writer.
            try await db.raw("PRAGMA journal_mode = WAL").run()
            try await db.raw("PRAGMA synchronous = NORMAL").run()
            // A log that grew under load is cut back to 16 MB when it starts again.
            try await db.raw("PRAGMA journal_size_limit = 16777216").run()
            try await db.raw("PRAGMA foreign_keys = ON").run()
            // A fan-out writes thousands of reports; 32 MB of page cache keeps the queue's indexes in memory.
            try await db.raw("PRAGMA cache_size = -32768").run()
            // Statement journals (a multi-row statement inside a transaction keeps the pages it
            // changes until it ends) stay in memory: on a file they spill at 64 KB, and a
            // fan-out's inserts and a delivery batch's deletes spilled every time.
            try await db.raw("PRAGMA temp_store = MEMORY").run()
            let checkpointer = try SQLiteCheckpointer(path: path, logger: logger)
            connection.onCommit(walPages: { checkpointer.committed(walPages: $0) }, checkpointingAt: SQLiteCheckpointer.limit)
            return SQLiteStore(connection: connection, database: db, checkpointer: checkpointer)
        } catch {
            connection.close()
            throw JunctionError(.storage, "cannot use SQLite database \(path): \(error)")
        }
    }

    func withDatabase<T: Sendable>(isolation: isolated (any Actor)?, _ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await lock.withLock { try await body(database) }
    }

    func withTransaction<T: Sendable>(isolation: isolated (any Actor)?, _ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await lock.withLock {
            let db = database
            // IMMEDIATE takes the write lock up front, so two processes never deadlock upgrading
            // a read transaction.
            try await db.raw("BEGIN IMMEDIATE").run()
            do {
                let result = try await body(db)
                try await db.raw("COMMIT").run()
                return result
            } catch {
                // In its own task, so a cancelled caller cannot skip it and leave the transaction open.
                try? await Task { try await db.raw("ROLLBACK").run() }.value
                throw error
            }
        }
    }

    func close() async {
        await checkpointer.stop()
        try? await lock.withLock { connection.close() }
    }
}

/// SQLite's answers to the backend questions.
struct SQLiteBackend: SQLBackend {
    // SQLite writers are serialised already: one transaction at a time.
    let skipLockedClause = ""
    let lockRowsClause = ""
    let deletesInCommonTableExpressions = false
    let claimsInOneStatement = false
    let bindsArrays = false
    let keepsStatementsByText = true

    func jsonArrayElements(_ column: String) -> String { "json_each(\(column)) AS r" }

    func isUniqueViolation(_ error: any Error) -> Bool {
        (error as? SQLiteError)?.isUniqueViolation == true
    }
}
