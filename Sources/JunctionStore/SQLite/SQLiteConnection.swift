import CSQLite3
import Foundation

/// One connection to an SQLite database file, used by one task at a time (``SQLiteStore``
/// serialises it).
///
/// Statements run on the calling thread. SQLite is a library, not a server: a statement over a
/// prepared plan takes microseconds, less than handing it to a thread pool and back, which is
/// what every statement cost before (and, while the connection is held, what every other
/// database user waited for). Prepared statements are kept by their SQL text.
///
/// Waiting for another process's write lock is the one thing not done on the calling thread:
/// SQLite's own busy handler is off, and a statement that finds the database busy is retried
/// after an asynchronous sleep, for up to `busyTimeout`.
final class SQLiteConnection: @unchecked Sendable {
    // Unchecked: only the task holding ``SQLiteStore``'s lock uses the connection.
    private var handle: OpaquePointer?
    private var statements: [String: OpaquePointer] = [:]
    private let busyTimeout: Duration
    private var walHook: Unmanaged<WALHook>?

    /// How many prepared statements are kept; SQL with `IN` lists of many lengths would
    /// otherwise keep one for every length.
    static let keptStatements = 200

    /// How many prepared statements are kept now.
    var keptStatementCount: Int { statements.count }

    /// Opens (creating when missing) the database file at `path`.
    init(path: String, busyTimeout: Duration) throws(SQLiteError) {
        var db: OpaquePointer?
        let code = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nil)
        guard code == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(db)
            throw SQLiteError(code: code, message: message)
        }
        sqlite3_extended_result_codes(db, 1)
        handle = db
        self.busyTimeout = busyTimeout
    }

    deinit { close() }

    /// Runs one SQL statement with `values` bound to its parameters in order, handing
    /// each result row to `onRow`.
    func execute(_ sql: String, _ values: [SQLiteValue], onRow: (SQLiteRow) throws -> Void) async throws {
        let statement = try prepared(sql)
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        for (index, value) in values.enumerated() {
            try check(value.bind(to: statement, at: Int32(index + 1)))
        }
        var columns: SQLiteRow.Columns?
        var waited = Duration.zero
        var pause = Duration.milliseconds(1)
        while true {
            let code = sqlite3_step(statement)
            switch code {
            case SQLITE_ROW:
                let names = columns ?? SQLiteRow.Columns(statement)
                columns = names
                try onRow(SQLiteRow(columns: names, values: (0..<names.names.count).map { SQLiteValue(statement, column: Int32($0)) }))
            case SQLITE_DONE:
                return
            case _ where code & 0xff == SQLITE_BUSY && columns == nil && waited < busyTimeout:
                // Another process holds the lock: wait without holding a thread, then try again.
                sqlite3_reset(statement)
                try await Task.sleep(for: pause)
                waited += pause
                pause = min(pause * 2, .milliseconds(50))
            default:
                throw failure(code)
            }
        }
    }

    /// Calls `handler` after each commit with the number of pages in the write-ahead log, and
    /// leaves checkpoints to it (``SQLiteCheckpointer``): SQLite no longer runs one inside the
    /// commit that finds the log long. Only a log of `limit` pages or more is checkpointed by
    /// the commit itself, as SQLite would, so a log that a checkpointer on another connection
    /// never catches up with (writers appending while it copies) cannot grow without end.
    func onCommit(walPages handler: @escaping @Sendable (Int) -> Void, checkpointingAt limit: Int) {
        let hook = Unmanaged.passRetained(WALHook(handler: handler, limit: limit))
        sqlite3_wal_hook(handle, { context, db, _, pages in
            guard let context else { return SQLITE_OK }
            let hook = Unmanaged<WALHook>.fromOpaque(context).takeUnretainedValue()
            if pages >= hook.limit {
                sqlite3_wal_checkpoint_v2(db, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
            } else {
                hook.handler(Int(pages))
            }
            return SQLITE_OK
        }, hook.toOpaque())
        walHook?.release()
        walHook = hook
    }

    /// Copies what the write-ahead log holds into the database file as far as no reader still
    /// needs it, without waiting for any lock (a passive checkpoint). Blocks while it syncs.
    func checkpoint() throws(SQLiteError) {
        // A connection finds the log only once it has read the database.
        let read = sqlite3_exec(handle, "SELECT 1 FROM sqlite_master LIMIT 1", nil, nil, nil)
        guard read == SQLITE_OK else { throw failure(read) }
        let code = sqlite3_wal_checkpoint_v2(handle, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
        guard code == SQLITE_OK || code & 0xff == SQLITE_BUSY else { throw failure(code) }
    }

    /// Closes the connection; it cannot be used afterwards.
    func close() {
        guard let handle else { return }
        for statement in statements.values { sqlite3_finalize(statement) }
        statements = [:]
        sqlite3_close_v2(handle)
        self.handle = nil
        walHook?.release()
        walHook = nil
    }

    private func prepared(_ sql: String) throws(SQLiteError) -> OpaquePointer {
        if let statement = statements[sql] { return statement }
        guard let handle else { throw SQLiteError(code: SQLITE_MISUSE, message: "the connection is closed") }
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard code == SQLITE_OK, let statement else { throw failure(code) }
        if statements.count >= Self.keptStatements {
            for kept in statements.values { sqlite3_finalize(kept) }
            statements = [:]
        }
        statements[sql] = statement
        return statement
    }

    private func check(_ code: Int32) throws(SQLiteError) {
        guard code == SQLITE_OK else { throw failure(code) }
    }

    private func failure(_ code: Int32) -> SQLiteError {
        SQLiteError(code: code, message: handle.map { String(cString: sqlite3_errmsg($0)) } ?? "the connection is closed")
    }
}

/// What ``SQLiteConnection/onCommit(walPages:)`` calls, kept alive for SQLite's C callback.
private final class WALHook {
    let handler: @Sendable (Int) -> Void
    let limit: Int32

    init(handler: @escaping @Sendable (Int) -> Void, limit: Int) {
        self.handler = handler
        self.limit = Int32(clamping: limit)
    }
}

/// An SQLite result code other than success, with SQLite's message.
struct SQLiteError: Error, CustomStringConvertible {
    /// The extended result code (`SQLITE_CONSTRAINT_UNIQUE`, …).
    let code: Int32
    let message: String

    /// A `UNIQUE` or `PRIMARY KEY` constraint refused the row.
    var isUniqueViolation: Bool { code == Self.uniqueConstraint || code == Self.primaryKeyConstraint }

    // SQLITE_CONSTRAINT_UNIQUE and SQLITE_CONSTRAINT_PRIMARYKEY, macros Swift does not import.
    private static let uniqueConstraint = SQLITE_CONSTRAINT | 8 << 8
    private static let primaryKeyConstraint = SQLITE_CONSTRAINT | 6 << 8

    var description: String { "SQLite error \(code): \(message)" }
}
