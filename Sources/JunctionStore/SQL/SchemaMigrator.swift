import Foundation
import JunctionCore
import JunctionSchema
import Logging
import SQLKit

/// Applies ``Schema/migrations`` in order, each in its own transaction, and records the version.
enum SchemaMigrator {
    /// The version recorded in the database; 0 for an empty database.
    static func currentVersion(_ store: any SQLStore) async throws -> Int {
        try await store.withDatabase(isolation: #isolation) { db in
            try await currentVersion(db, dialect: store.dialect)
        }
    }

    private static func currentVersion(_ db: any SQLDatabase, dialect: Migration.Dialect) async throws -> Int {
        let exists: Bool
        switch dialect {
        case .sqlite:
            exists = try await db.raw("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'").first() != nil
        case .postgres:
            exists = try await db.raw("SELECT 1 AS found FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'schema_version'").first() != nil
        }
        guard exists else { return 0 }
        let row = try await db.raw("SELECT MAX(version) AS version FROM schema_version").first()
        return try row?.optional("version", Int64.self).map(Int.init) ?? 0
    }

    /// Brings the database to ``Schema/latestVersion``; refuses a database that is newer.
    static func migrate(_ store: any SQLStore, logger: Logger) async throws {
        try check(try await currentVersion(store))
        for migration in Schema.migrations {
            try await store.withTransaction(isolation: #isolation) { db in
                if store.dialect == .postgres {
                    // Serialises hub processes that start together on one database.
                    try await db.raw("SELECT pg_advisory_xact_lock(74210001)").run()
                }
                try await db.raw("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied BIGINT NOT NULL)").run()
                let current = try await currentVersion(db, dialect: store.dialect)
                try check(current)
                guard current < migration.version else { return }
                for statement in migration.statements(for: store.dialect) {
                    try await db.raw(SQLQueryString(statement)).run()
                }
                try await db.raw("""
                    INSERT INTO schema_version (version, name, applied)
                    VALUES (\(bind: migration.version), \(bind: migration.name), \(bind: Date().millisecondsSince1970))
                    """).run()
                logger.info("applied migration", metadata: ["schema.version": "\(migration.version)", "schema.name": "\(migration.name)"])
            }
        }
    }

    private static func check(_ version: Int) throws {
        if version > Schema.latestVersion {
            throw JunctionError(.schemaTooNew, "the database schema is version \(version), newer than this junction binary understands (\(Schema.latestVersion)); run a newer junction")
        }
    }
}
