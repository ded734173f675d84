import Foundation
public import JunctionStore
import Logging
import PostgresNIO

/// A database backend a test runs against.
///
/// PostgreSQL tests need `JUNCTION_TEST_POSTGRES_URL` (a server where the user may create
/// databases; `scripts/test` starts one). Without it they are left out, except when `CI` is set:
/// then they run and fail, so a CI run never passes without PostgreSQL.
public enum TestBackend: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite
    case postgres

    public var description: String { rawValue }

    /// The backends this run can exercise.
    public static var available: [TestBackend] {
        let environment = ProcessInfo.processInfo.environment
        if environment["JUNCTION_TEST_POSTGRES_URL"] != nil || environment["CI"] != nil {
            return [.sqlite, .postgres]
        }
        return [.sqlite]
    }

    /// A fresh, empty database of this backend, removed again when the process ends (SQLite) or
    /// left to the throwaway server (PostgreSQL).
    public func makeDatabase() async throws -> DatabaseURL {
        switch self {
        case .sqlite:
            let directory = try TemporaryDirectory.make(prefix: "junction-test")
            return try DatabaseURL("sqlite:\(directory)/junction.sqlite")
        case .postgres:
            return try await Self.makePostgresDatabase()
        }
    }

    private static func makePostgresDatabase() async throws -> DatabaseURL {
        guard let adminText = ProcessInfo.processInfo.environment["JUNCTION_TEST_POSTGRES_URL"] else {
            throw TestSetupError("JUNCTION_TEST_POSTGRES_URL is not set, so the PostgreSQL tests cannot run; scripts/test starts a throwaway server and sets it")
        }
        let admin = try DatabaseURL(adminText)
        guard case .postgres(let location) = admin.backend else {
            throw TestSetupError("JUNCTION_TEST_POSTGRES_URL must be a postgres:// URL")
        }
        let name = "junction_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        var configuration = PostgresClient.Configuration(
            host: location.host, port: location.port, username: location.username, password: location.password,
            database: location.database, tls: .disable
        )
        configuration.options.connectTimeout = .seconds(5)
        let client = PostgresClient(configuration: configuration, backgroundLogger: Logger(label: "junction.test"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"))
        }
        var components = URLComponents(string: adminText)!
        components.path = "/\(name)"
        return try DatabaseURL(components.string!)
    }
}

/// Why a test could not set itself up.
public struct TestSetupError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Temporary directories for tests.
public enum TemporaryDirectory {
    /// Creates a new empty directory under the system's temporary directory.
    public static func make(prefix: String) throws -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
