import ArgumentParser
import Foundation
import JunctionCore
import JunctionServer
import JunctionStore
import Logging
import Synchronization

/// The options every command takes: where the data and the configuration are.
struct HubOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: ArgumentHelp("The data directory (default ./data).", valueName: "dir"))
    var dataDirectory: String?

    @Option(help: ArgumentHelp("sqlite:PATH or postgres://user:password@host:port/db (default sqlite:DATA-DIR/junction.sqlite).", valueName: "url"))
    var database: String?

    @Option(help: ArgumentHelp("A JSON configuration file (also JUNCTION_CONFIG).", valueName: "file"))
    var config: String?

    @Flag(help: "Let outbound requests reach loopback and private addresses (for tests and development).")
    var allowPrivateNetwork = false

    /// The layered configuration, with `extra` flags (by configuration key) on top.
    func loadConfiguration(extra: [String: String] = [:]) async throws -> HubConfiguration {
        var flags = extra
        if let dataDirectory { flags["data.dir"] = dataDirectory }
        if let database { flags["database.url"] = database }
        if allowPrivateNetwork { flags["federation.allowPrivateNetwork"] = "true" }
        return try await HubConfiguration.load(flags: flags, configFile: config)
    }

    /// Opens the configured database (migrating it) for an admin command.
    func withStore<T: Sendable>(
        _ body: (any Store, HubConfiguration) async throws -> T
    ) async throws -> T {
        let configuration = try await loadConfiguration()
        try configuration.prepareDataDirectory()
        let logger = CommandLogging.logger(level: .warning)
        return try await HubDatabase.withStore(configuration.database, logger: logger) { store in
            try await body(store, configuration)
        }
    }
}

extension HubOptions {
    /// Opens the configured database and wires the hub's drivers, notifier and item pipeline
    /// for a command that changes items, without serving.
    func withRuntime<T: Sendable>(_ body: (HubRuntime) async throws -> T) async throws -> T {
        let configuration = try await loadConfiguration()
        try configuration.prepareDataDirectory()
        let logger = CommandLogging.logger(level: .warning)
        return try await HubDatabase.withStore(configuration.database, logger: logger) { store in
            try await HubRuntime.with(configuration: configuration, store: store, drivers: Junction.drivers, logger: logger, body)
        }
    }
}

/// Logging for the command line: standard error, bootstrapped once.
enum CommandLogging {
    private static let bootstrapped = Mutex(false)

    static func logger(level: Logger.Level) -> Logger {
        bootstrapped.withLock { done in
            if !done {
                LoggingSystem.bootstrap(StreamLogHandler.standardError)
                done = true
            }
        }
        var logger = Logger(label: "junction")
        logger.logLevel = level
        return logger
    }
}

/// Prints `value` as pretty JSON with sorted keys.
func printJSON(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}

/// Prints rows as aligned columns under a header.
func printTable(_ header: [String], _ rows: [[String]]) {
    var widths = header.map(\.count)
    for row in rows {
        for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.count) }
    }
    func line(_ cells: [String]) -> String {
        cells.enumerated().map { index, cell in
            index == cells.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
        }.joined(separator: "  ")
    }
    print(line(header))
    for row in rows { print(line(row)) }
}
