public import JunctionCore
public import Logging
import Foundation
import JunctionSchema
import NIOSSL
import PostgresNIO
import SQLKit

/// Opens the hub's database, keeps its schema current and closes it.
public enum HubDatabase {
    /// The schema version this binary brings a database to.
    public static var latestSchemaVersion: Int { Schema.latestVersion }

    /// Opens the database at `url`, migrates it unless `migrate` is false, runs `body` with the
    /// store and closes it again.
    ///
    /// Throws a ``JunctionError`` naming the problem when the database cannot be reached, its
    /// schema is newer than this binary, or a migration fails.
    public static func withStore<T: Sendable>(
        _ url: DatabaseURL,
        migrate: Bool = true,
        logger: Logger,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (any Store) async throws -> T
    ) async throws -> T {
        switch url.backend {
        case .sqlite(let path):
            try createParentDirectory(of: path)
            let store = try await SQLiteStore.open(path: path, logger: logger)
            do {
                if migrate { try await migrateReporting(store, url: url, logger: logger) }
                let result = try await body(store)
                await store.close()
                return result
            } catch {
                await store.close()
                throw error
            }
        case .postgres(let location):
            let store = PostgresStore(configuration: configuration(location), logger: logger)
            return try await withThrowingTaskGroup(of: Void.self, returning: T.self) { group in
                group.addTask { await store.client.run() }
                defer { group.cancelAll() }
                try await probe(store, url: url)
                if migrate { try await migrateReporting(store, url: url, logger: logger) }
                return try await body(store)
            }
        }
    }

    /// The schema version recorded in the store's database (0 when empty).
    public static func schemaVersion(of store: any Store) async throws -> Int {
        guard let store = store as? any SQLStore else { return latestSchemaVersion }
        return try await SchemaMigrator.currentVersion(store)
    }

    /// Applies any pending migrations to the store's database.
    public static func migrate(_ store: any Store, logger: Logger) async throws {
        guard let store = store as? any SQLStore else { return }
        try await SchemaMigrator.migrate(store, logger: logger)
    }

    private static func migrateReporting(_ store: any SQLStore, url: DatabaseURL, logger: Logger) async throws {
        do {
            try await SchemaMigrator.migrate(store, logger: logger)
        } catch let error as JunctionError {
            throw error
        } catch {
            throw JunctionError(.storage, "migrating \(url) failed: \(describe(error))")
        }
    }

    /// Fails within 10 s with a clear message when the server cannot be reached.
    private static func probe(_ store: PostgresStore, url: DatabaseURL) async throws {
        let outcome: Result<Void, any Error> = await withTaskGroup(of: Result<Void, any Error>?.self) { group in
            group.addTask {
                do {
                    try await store.withDatabase(isolation: nil) { try await $0.raw("SELECT 1").run() }
                    return .success(())
                } catch {
                    return .failure(error)
                }
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(10))
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? .failure(JunctionError(.storage, "timed out"))
        }
        if case .failure(let error) = outcome {
            throw JunctionError(.storage, "cannot reach PostgreSQL at \(url): \(describe(error))")
        }
    }

    private static func configuration(_ location: DatabaseURL.PostgresLocation) -> PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS = switch location.sslMode {
        case "disable": .disable
        case "require": .require(.makeClientConfiguration())
        default: .prefer(.makeClientConfiguration())
        }
        var configuration: PostgresClient.Configuration
        if let socket = location.unixSocketPath {
            configuration = .init(unixSocketPath: socket, username: location.username, password: location.password, database: location.database)
        } else {
            configuration = .init(host: location.host, port: location.port, username: location.username,
                                  password: location.password, database: location.database, tls: tls)
        }
        configuration.options.connectTimeout = .seconds(5)
        configuration.options.maximumConnections = 16
        return configuration
    }

    private static func createParentDirectory(of path: String) throws {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw JunctionError(.storage, "cannot create directory \(directory) for the SQLite database: \(error.localizedDescription)")
        }
    }

    /// A one-line description of a database error (PostgreSQL's server message when there is one).
    static func describe(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] { return message }
            return "\(error.code)"
        }
        return "\(error)"
    }
}
