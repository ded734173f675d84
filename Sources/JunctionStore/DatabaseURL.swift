public import Foundation
import JunctionCore

/// Where the hub's data lives: `sqlite:PATH` or `postgres://user:password@host:port/database`.
///
/// PostgreSQL URLs accept `sslmode=disable|prefer|require` (default `prefer`) and `host=/socket/dir`
/// for a Unix-domain socket.
public struct DatabaseURL: Sendable, Hashable, CustomStringConvertible {
    public enum Backend: Sendable, Hashable {
        /// An SQLite file (created when missing).
        case sqlite(path: String)
        /// A PostgreSQL server.
        case postgres(PostgresLocation)
    }

    /// The parts of a PostgreSQL URL.
    public struct PostgresLocation: Sendable, Hashable {
        public var host: String
        public var port: Int
        public var unixSocketPath: String?
        public var username: String
        public var password: String?
        public var database: String
        public var sslMode: String
    }

    public let backend: Backend
    private let text: String

    public init(_ text: String) throws {
        self.text = text
        if text.hasPrefix("sqlite:") {
            var path = String(text.dropFirst("sqlite:".count))
            if path.hasPrefix("//") { path.removeFirst(2) }
            guard !path.isEmpty else { throw Self.invalid(text, "sqlite: needs a file path, e.g. sqlite:./data/junction.sqlite") }
            backend = .sqlite(path: path)
            return
        }
        guard text.hasPrefix("postgres://") || text.hasPrefix("postgresql://"),
              let components = URLComponents(string: text)
        else {
            throw Self.invalid(text, "it must start with sqlite: or postgres://")
        }
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        let database = String(components.path.drop { $0 == "/" })
        let sslMode = query["sslmode"] ?? "prefer"
        guard ["disable", "prefer", "require"].contains(sslMode) else {
            throw Self.invalid(text, "sslmode must be disable, prefer or require")
        }
        let user = components.user.flatMap { $0.removingPercentEncoding } ?? ProcessInfo.processInfo.environment["USER"] ?? "postgres"
        backend = .postgres(PostgresLocation(
            host: components.host.flatMap { $0.isEmpty ? nil : $0 } ?? "localhost",
            port: components.port ?? 5432,
            unixSocketPath: query["host"].map { "\($0)/.s.PGSQL.\(components.port ?? 5432)" },
            username: user,
            password: components.password.flatMap { $0.removingPercentEncoding },
            database: database.isEmpty ? user : database,
            sslMode: sslMode
        ))
    }

    private static func invalid(_ text: String, _ reason: String) -> JunctionError {
        JunctionError(.configuration, "invalid database URL '\(redacted(text))': \(reason)")
    }

    /// The URL as given, password included: for handing to another process, never for logs.
    public var rawText: String { text }

    /// The URL with any password replaced by `***`, for logs and messages.
    public var description: String { Self.redacted(text) }

    static func redacted(_ text: String) -> String {
        guard var components = URLComponents(string: text), components.password != nil else { return text }
        components.password = "***"
        return components.string ?? text
    }
}

