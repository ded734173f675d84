public import JunctionCore
public import JunctionStore
import Logging

/// Runs `body` with a migrated store on a fresh database of `backend`.
///
/// This is the in-memory-speed store driver authors test with: SQLite in a temporary file,
/// the same code the hub runs.
public func withTestStore<T: Sendable>(
    _ backend: TestBackend = .sqlite,
    isolation: isolated (any Actor)? = #isolation,
    _ body: (any Store, DatabaseURL) async throws -> T
) async throws -> T {
    let url = try await backend.makeDatabase()
    var logger = Logger(label: "junction.test")
    logger.logLevel = .warning
    return try await HubDatabase.withStore(url, logger: logger) { store in
        try await body(store, url)
    }
}
