import Foundation
import JunctionCore
@testable import JunctionStore
import Logging
import NIOCore
import SQLKit
import Testing

/// The SQLite connection the embedded backend runs on: values, errors, waiting for another
/// process's lock, and checkpoints.
@Suite("SQLite connection", .timeLimit(.minutes(2)))
struct SQLiteConnectionTests {
    private func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("junction-sqlite-\(UUID().uuidString).sqlite").path
    }

    private func remove(_ path: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    /// Runs `body` with a connection to a new database file (and its path), then closes and removes it.
    private func withConnection(_ body: (SQLiteConnection, String) async throws -> Void) async throws {
        let path = temporaryPath()
        defer { remove(path) }
        let connection = try SQLiteConnection(path: path, busyTimeout: .zero)
        defer { connection.close() }
        try await body(connection, path)
    }

    @Test("values keep their types and content through a row")
    func values() async throws {
        let path = temporaryPath()
        defer { remove(path) }
        let store = try await SQLiteStore.open(path: path, logger: Logger(label: "test"))
        let text = "quote \" backslash \\ nul-free ünïcödé 🎉"
        let bytes = Data([0, 1, 2, 255])
        let rows = try await store.withDatabase(isolation: nil) { db in
            try await db.raw("""
                CREATE TABLE t (i INTEGER, r REAL, s TEXT, e TEXT NOT NULL, b BLOB, z BLOB NOT NULL, n TEXT, f INTEGER,
                                oi INTEGER, os TEXT, ob BLOB)
                """).run()
            let none: String? = nil
            let (someInteger, someText, someBytes): (Int64?, String?, Data?) = (-7, "wrapped", bytes)
            try await db.raw("""
                INSERT INTO t VALUES (\(bind: Int64.max), \(bind: 2.5), \(bind: text), \(bind: ""), \(bind: bytes), \(bind: Data()),
                                      \(bind: none), \(bind: true), \(bind: someInteger), \(bind: someText), \(bind: someBytes))
                """).run()
            return try await db.raw("SELECT * FROM t").all()
        }
        await store.close()
        let row = try #require(rows.first)
        #expect(rows.count == 1)
        #expect(try row.decode(column: "i", as: Int64.self) == Int64.max)
        #expect(try row.decode(column: "r", as: Double.self) == 2.5)
        #expect(try row.decode(column: "s", as: String.self) == text)
        #expect(try row.decode(column: "e", as: String.self) == "")
        #expect(try row.decode(column: "b", as: Data.self) == bytes)
        #expect(try row.decode(column: "z", as: Data.self) == Data())
        #expect(try row.decodeNil(column: "n"))
        #expect(try row.decode(column: "n", as: String?.self) == nil)
        #expect(try row.decode(column: "s", as: String?.self) == text)
        #expect(try row.decode(column: "f", as: Bool.self))
        // Optionals holding a value bind as the value.
        #expect(try row.decode(column: "oi", as: Int64.self) == -7)
        #expect(try row.decode(column: "os", as: String.self) == "wrapped")
        #expect(try row.decode(column: "ob", as: Data.self) == bytes)
        #expect(throws: DecodingError.self) { try row.decode(column: "s", as: Int64.self) }
        #expect(throws: DecodingError.self) { try row.decode(column: "missing", as: Int64.self) }
    }

    @Test("a duplicate key is a unique violation; bad SQL names SQLite's reason")
    func errors() async throws {
        try await withConnection { connection, _ in
            try await connection.execute("CREATE TABLE t (k TEXT PRIMARY KEY)", []) { _ in }
            try await connection.execute("INSERT INTO t VALUES (?1)", [.text("a")]) { _ in }
            let duplicate = await #expect(throws: SQLiteError.self) {
                try await connection.execute("INSERT INTO t VALUES (?1)", [.text("a")]) { _ in }
            }
            #expect(duplicate?.isUniqueViolation == true)
            let bad = await #expect(throws: SQLiteError.self) { try await connection.execute("SELECT * FROM nowhere", []) { _ in } }
            #expect(bad?.isUniqueViolation == false)
            #expect(bad?.message.contains("no such table") == true)
            // The connection is still usable, and its kept statements still work after an error.
            var count: Int64 = -1
            try await connection.execute("SELECT COUNT(*) AS n FROM t", []) { count = try $0.decode(column: "n", as: Int64.self) }
            #expect(count == 1)
        }
    }

    @Test("a writer waits for another connection's write lock, and gives up after its timeout")
    func busy() async throws {
        let path = temporaryPath()
        defer { remove(path) }
        let holder = try SQLiteConnection(path: path, busyTimeout: .zero)
        let waiter = try SQLiteConnection(path: path, busyTimeout: .seconds(5))
        let impatient = try SQLiteConnection(path: path, busyTimeout: .milliseconds(100))
        defer { [holder, waiter, impatient].forEach { $0.close() } }
        try await holder.execute("PRAGMA journal_mode = WAL", []) { _ in }
        try await holder.execute("CREATE TABLE t (v INTEGER)", []) { _ in }

        try await holder.execute("BEGIN IMMEDIATE", []) { _ in }
        let started = ContinuousClock.now
        let waiting = Task { try await waiter.execute("INSERT INTO t VALUES (1)", []) { _ in } }
        let refusal = await #expect(throws: SQLiteError.self) { try await impatient.execute("INSERT INTO t VALUES (2)", []) { _ in } }
        #expect(refusal.map { $0.code & 0xff } == 5)  // SQLITE_BUSY
        try await Task.sleep(for: .milliseconds(300))
        try await holder.execute("COMMIT", []) { _ in }
        try await waiting.value
        #expect(ContinuousClock.now - started >= .milliseconds(300))
        var values: [Int64] = []
        try await holder.execute("SELECT v FROM t", []) { values.append(try $0.decode(column: "v", as: Int64.self)) }
        #expect(values == [1])
    }

    @Test("lists of every length come in a few statement shapes, and select what they list")
    func listShapes() async throws {
        try await withConnection { connection, _ in
            let db = SQLiteDatabase(connection: connection, logger: Logger(label: "test"))
            try await db.raw("CREATE TABLE t (v INTEGER PRIMARY KEY)").run()
            try await db.raw("INSERT INTO t (v) \(unsafeRaw: "VALUES " + (0..<300).map { "(\($0))" }.joined(separator: ", "))").run()
            let session = SQLStoreSession(db: db, backend: SQLiteBackend(), committed: nil)
            let before = connection.keptStatementCount
            for length in 1...300 {
                let values = (0..<length).map { Int64($0 * 7 % 300) }
                let rows = try await db.raw("SELECT v FROM t WHERE v IN (\(session.inList(values)))").all()
                #expect(Set(try rows.map { try $0.decode(column: "v", as: Int64.self) }) == Set(values))
            }
            // Lengths 1 to 300 in ten shapes (1, 2, 4, … 512).
            #expect(connection.keptStatementCount - before == 10)
            #expect(session.rowChunks([Int](repeating: 0, count: 200), maximum: 128).map(\.count) == [128, 64, 8])
            #expect([Int](repeating: 0, count: 300).chunkedInShapes(maximum: 128).map(\.count) == [128, 128, 32, 8, 4])
            #expect([Int]().chunkedInShapes(maximum: 128).isEmpty)
            // PostgreSQL keeps no statements by their text: lists go as they are, rows in as few statements as may be.
            let postgres = SQLStoreSession(db: db, backend: PostgresBackend(), committed: nil)
            #expect(postgres.inList([1, 2, 3] as [Int64]).values.count == 3)
            #expect(session.inList([1, 2, 3] as [Int64]).values.count == 4)
            #expect(postgres.rowChunks([Int](repeating: 0, count: 200), maximum: 128).map(\.count) == [128, 72])
        }
    }

    @Test("a log past its limit is checkpointed by the commit that finds it")
    func checkpointLimit() async throws {
        try await withConnection { connection, path in
            try await connection.execute("PRAGMA journal_mode = WAL", []) { _ in }
            let seen = LargestLog()
            connection.onCommit(walPages: { seen.note($0) }, checkpointingAt: 100)
            try await connection.execute("CREATE TABLE t (v BLOB)", []) { _ in }
            // About 2,000 pages in 400 commits: without checkpoints the log would hold them all.
            for _ in 0..<400 {
                try await connection.execute("INSERT INTO t VALUES (?1)", [.blob(Data(repeating: 7, count: 20_000))]) { _ in }
            }
            let wal = try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int ?? 0
            #expect(wal < 150 * 4096, "the log grew to \(wal) bytes")
            #expect((1..<100).contains(seen.largest))
        }
    }

    @Test("a checkpoint is asked for each time the log grew by a thousand pages, not at every commit past them")
    func checkpointSchedule() {
        let schedule = SQLiteCheckpointer.Schedule()
        let pages = SQLiteCheckpointer.pages
        // A log growing by 10 pages a commit, to three thousand pages and more.
        let due = stride(from: 10, through: 3 * pages + 500, by: 10).filter { schedule.isDue(walPages: $0) }
        #expect(due == [pages, 2 * pages, 3 * pages])
        // Asked for since the checkpointer last looked, once: a wake-up left over finds nothing to do.
        #expect(schedule.take())
        #expect(!schedule.take())
        // Started again: due once it is a thousand pages long again.
        let again = [20, pages - 10, pages + 5].map { schedule.isDue(walPages: $0) }
        #expect(again == [false, false, true])
    }

    @Test("bound lists write one placeholder per value, in rows where asked, for either kind of placeholder")
    func bindLists() async throws {
        try await withConnection { connection, _ in
            let sqlite = SQLiteDatabase(connection: connection, logger: Logger(label: "test"))
            for db in [sqlite, NumberedParameters(sqlite)] as [any SQLDatabase] {
                let values: [any Encodable & Sendable] = [1, "two", Optional<Int>.none, 4.5, Data([5]), true]
                let numbered = !(db.dialect is any AnonymousParameters)
                let p = (1...6).map { numbered ? "$\($0)" : "?" }
                var serializer = SQLSerializer(database: db)
                SQLBindList(rows: values, rowLength: 3).serialize(to: &serializer)
                #expect(serializer.sql == "(\(p[0]), \(p[1]), \(p[2])), (\(p[3]), \(p[4]), \(p[5]))")
                #expect(serializer.binds.count == 6)
                serializer = SQLSerializer(database: db)
                SQLBindList(values).serialize(to: &serializer)
                #expect(serializer.sql == p.joined(separator: ", "))
                #expect(serializer.binds.map { "\($0)" } == values.map { "\($0)" })
            }
            // And SQLite runs them: a multi-row insert, read back through a list.
            let rows: [any Encodable & Sendable] = [1, "a", 2, "b", 3, "c"]
            try await sqlite.raw("CREATE TABLE t (n INTEGER, s TEXT)").run()
            try await sqlite.raw("INSERT INTO t (n, s) VALUES \(SQLBindList(rows: rows, rowLength: 2))").run()
            let found = try await sqlite.raw("SELECT s FROM t WHERE n IN (\(SQLBindList([1, 3]))) ORDER BY n").all()
            #expect(try found.map { try $0.decode(column: "s", as: String.self) } == ["a", "c"])
        }
    }

    @Test("the store's checkpointer moves a long log into the database file in the background")
    func backgroundCheckpoint() async throws {
        let path = temporaryPath()
        defer { remove(path) }
        let store = try await SQLiteStore.open(path: path, logger: Logger(label: "test"))
        try await store.withTransaction(isolation: nil) { db in try await db.raw("CREATE TABLE t (v BLOB)").run() }
        let before = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
        // More than SQLiteCheckpointer.pages pages of log.
        for _ in 0..<30 {
            try await store.withTransaction(isolation: nil) { db in
                for _ in 0..<10 { try await db.raw("INSERT INTO t VALUES (\(bind: Data(repeating: 1, count: 20_000)))").run() }
            }
        }
        var after = before
        for _ in 0..<100 where after < before + 3_000_000 {
            try await Task.sleep(for: .milliseconds(50))
            after = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
        }
        #expect(after >= before + 3_000_000, "the database file grew from \(before) to \(after) bytes only")
        await store.close()
    }
}

/// A database whose dialect numbers its placeholders (`$1`, as PostgreSQL's does); only for
/// serialising.
private struct NumberedParameters: SQLDatabase {
    let base: SQLiteDatabase
    init(_ base: SQLiteDatabase) { self.base = base }
    var logger: Logger { base.logger }
    var eventLoop: any EventLoop { base.eventLoop }
    var dialect: any SQLDialect { Dialect() }
    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) -> EventLoopFuture<Void> {
        eventLoop.makeFailedFuture(SQLiteError(code: 1, message: "only for serialising"))
    }

    struct Dialect: SQLDialect {
        var name: String { "numbered" }
        var identifierQuote: any SQLExpression { SQLRaw(#"""#) }
        var literalStringQuote: any SQLExpression { SQLRaw("'") }
        var supportsAutoIncrement: Bool { false }
        var autoIncrementClause: any SQLExpression { SQLRaw("") }
        func bindPlaceholder(at position: Int) -> any SQLExpression { SQLRaw("$\(position)") }
        func literalBoolean(_ value: Bool) -> any SQLExpression { SQLRaw(value ? "TRUE" : "FALSE") }
    }
}

/// The longest log a commit reported.
private final class LargestLog: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    var largest: Int { lock.withLock { value } }
    func note(_ pages: Int) { lock.withLock { value = max(value, pages) } }
}
