import JunctionCore
import JunctionSchema
import SQLKit

/// A ``Store`` backed by an SQL database: the backends provide connections and transactions,
/// the shared ``SQLStoreSession`` provides the records.
protocol SQLStore: Store {
    var dialect: Migration.Dialect { get }
    var backend: any SQLBackend { get }

    /// Runs `body` with a connection, outside any explicit transaction.
    func withDatabase<T: Sendable>(isolation: isolated (any Actor)?, _ body: (any SQLDatabase) async throws -> T) async throws -> T
    /// Runs `body` inside one transaction: committed on return, rolled back on throw.
    func withTransaction<T: Sendable>(isolation: isolated (any Actor)?, _ body: (any SQLDatabase) async throws -> T) async throws -> T
}

extension SQLStore {
    func read<T: Sendable>(isolation: isolated (any Actor)?, _ body: (any StoreSession) async throws -> T) async throws -> T {
        try await withDatabase(isolation: isolation) { db in
            try await body(SQLStoreSession(db: db, backend: backend, committed: nil))
        }
    }

    func write<T: Sendable>(isolation: isolated (any Actor)?, _ body: (any StoreSession) async throws -> T) async throws -> T {
        let committed = SQLStoreSession.Deferred()
        let result = try await withTransaction(isolation: isolation) { db in
            try await body(SQLStoreSession(db: db, backend: backend, committed: committed))
        }
        committed.run()
        return result
    }
}
