import Foundation
import JunctionCore
import JunctionSchema
import Logging
import SQLKit
import SQLiteKit
import SQLiteNIO

/// The embedded backend: one SQLite file in WAL mode, so admin commands can read and write
/// it while `junction serve` runs (a busy timeout makes them wait for each other's writes).
///
/// One connection serves the process; a lock gives it to one session at a time, because a
/// transaction spans suspension points.
final class SQLiteStore: SQLStore {
    let backendName = "sqlite"
    let dialect = Migration.Dialect.sqlite
    let backend: any SQLBackend = SQLiteBackend()
    private let connection: SQLiteConnection
    private let lock = AsyncSerialLock()
    private init(connection: SQLiteConnection) {
        self.connection = connection
    }

    /// Opens (creating when missing) the database file at `path`.
    static func open(path: String, logger: Logger) async throws -> SQLiteStore {
        let connection: SQLiteConnection
        do {
            connection = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
        } catch {
            throw JunctionError(.storage, "cannot open SQLite database \(path): \(error)")
        }
        let store = SQLiteStore(connection: connection)
        do {
            let db = connection.sql()
            // WAL lets readers in other processes run beside a writer; the busy timeout makes
            // concurrent writers wait instead of failing.
            try await db.raw("PRAGMA busy_timeout = 10000").run()
            try await db.raw("PRAGMA journal_mode = WAL").run()
            try await db.raw("PRAGMA synchronous = NORMAL").run()
            try await db.raw("PRAGMA foreign_keys = ON").run()
            // A fan-out writes thousands of reports; 32 MB of page cache keeps the queue's indexes in memory.
            try await db.raw("PRAGMA cache_size = -32768").run()
        } catch {
            try? await connection.close()
            throw JunctionError(.storage, "cannot use SQLite database \(path): \(error)")
        }
        return store
    }

    func withDatabase<T: Sendable>(isolation: isolated (any Actor)?, _ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await lock.withLock { try await body(connection.sql(queryLogLevel: .trace)) }
    }

    func withTransaction<T: Sendable>(isolation: isolated (any Actor)?, _ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await lock.withLock {
            let db = connection.sql(queryLogLevel: .trace)
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
        try? await lock.withLock { try await connection.close() }
    }
}

/// SQLite's answers to the backend questions.
struct SQLiteBackend: SQLBackend {
    // SQLite writers are serialised already: one transaction at a time.
    let skipLockedClause = ""
    let lockRowsClause = ""

    func jsonArrayElements(_ column: String) -> String { "json_each(\(column)) AS r" }

    func isUniqueViolation(_ error: any Error) -> Bool {
        guard let error = error as? SQLiteError else { return false }
        switch error.reason {
        case .constraint, .constraintUniqueFailed, .constraintPrimaryKeyFailed: return true
        default: return false
        }
    }
}
