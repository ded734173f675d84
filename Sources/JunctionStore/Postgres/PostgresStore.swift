import JunctionCore
import JunctionSchema
import Logging
import PostgresKit
import PostgresNIO
import SQLKit

/// The production backend: a PostgreSQL connection pool, shared by several hub processes.
///
/// The pool's `run()` must be running while the store is used; ``HubDatabase/withStore`` does that.
final class PostgresStore: SQLStore {
    let backendName = "postgres"
    let dialect = Migration.Dialect.postgres
    let backend: any SQLBackend = PostgresBackend()
    let client: PostgresClient

    init(configuration: PostgresClient.Configuration, logger: Logger) {
        self.client = PostgresClient(configuration: configuration, backgroundLogger: logger)
    }

    func withDatabase<T: Sendable>(isolation: isolated (any Actor)?, _ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await client.withConnection(isolation: isolation) { connection in
            try await body(connection.sql(queryLogLevel: .trace))
        }
    }

    func withTransaction<T: Sendable>(isolation: isolated (any Actor)?, _ body: (any SQLDatabase) async throws -> T) async throws -> T {
        // Our own BEGIN/COMMIT rather than the client's withTransaction, so the closure's own
        // error (a conflict, a validation failure) reaches the caller unwrapped.
        try await client.withConnection(isolation: isolation) { connection in
            let db = connection.sql(queryLogLevel: .trace)
            try await db.raw("BEGIN").run()
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
}

/// PostgreSQL's answers to the backend questions.
struct PostgresBackend: SQLBackend {
    // Several hub processes share one queue.
    let skipLockedClause = "FOR UPDATE SKIP LOCKED"
    let lockRowsClause = "FOR UPDATE"
    let deletesInCommonTableExpressions = true
    let claimsInOneStatement = true
    let bindsArrays = true
    let keepsStatementsByText = false

    func jsonArrayElements(_ column: String) -> String { "jsonb_array_elements_text(\(column)::jsonb) AS r(value)" }

    func isUniqueViolation(_ error: any Error) -> Bool {
        (error as? PSQLError)?.serverInfo?[.sqlState] == "23505"
    }
}
