public import Configuration
public import JunctionCore
public import JunctionStore
public import Logging
import Foundation
import SystemPackage

/// Everything a hub process needs to know before it starts, with defaults that work on a
/// new machine.
///
/// Values are layered: command-line flags, then `JUNCTION_*` environment variables, then the
/// JSON config file, then the defaults below. Keys (environment name in brackets):
/// - `data.dir` (`JUNCTION_DATA_DIR`): the data directory, default `./data`.
/// - `database.url` (`JUNCTION_DATABASE_URL`): `sqlite:PATH` or `postgres://…`,
///   default `sqlite:<data.dir>/junction.sqlite`.
/// - `http.listen` (`JUNCTION_HTTP_LISTEN`): `HOST:PORT` to listen on, default `127.0.0.1:8080`.
/// - `hub.domain` (`JUNCTION_HUB_DOMAIN`): the public `NAME[:PORT]`, default `localhost:<listen port>`.
/// - `federation.allowPrivateNetwork` (`JUNCTION_FEDERATION_ALLOW_PRIVATE_NETWORK`): let outbound
///   requests reach loopback and private addresses, default `false`.
/// - `queue.workers` (`JUNCTION_QUEUE_WORKERS`): deliveries in flight at once, default 16.
/// - `queue.lease` (`JUNCTION_QUEUE_LEASE`): seconds a worker holds an entry before another
///   process may take it over after a crash, default 120; keep it above the 30 s delivery timeout.
/// - `queue.retryDelay` (`JUNCTION_QUEUE_RETRYDELAY`): seconds before the first retry of a failed
///   delivery, doubling with each further failure, default 30.
/// - `discovery.ttl` (`JUNCTION_DISCOVERY_TTL`): seconds a found identity is served from the
///   discovery cache, default 86400.
/// - `discovery.negativeTTL` (`JUNCTION_DISCOVERY_NEGATIVETTL`): seconds a failed lookup is
///   remembered, default 900.
/// - `admin.token` (`JUNCTION_ADMIN_TOKEN`): the bearer token of the admin API under `/admin`;
///   the API is off when unset.
/// - `log.level` (`JUNCTION_LOG_LEVEL`): `trace` … `critical`, default `info`.
/// - Driver settings live under the driver's network name (`rss.poll.minimum`,
///   `JUNCTION_RSS_POLL_MINIMUM`) and are read by the drivers through ``driverSettings``.
public struct HubConfiguration: Sendable {
    public var dataDirectory: String
    public var database: DatabaseURL
    public var listenHost: String
    public var listenPort: Int
    public var domain: HubDomain
    public var allowPrivateNetwork: Bool
    public var queueWorkers: Int
    /// Seconds a claimed entry stays leased.
    public var queueLease: Int
    /// Seconds before the first retry of a failed delivery.
    public var queueRetryDelay: Int
    /// Seconds a found identity stays cached.
    public var discoveryTTL: Int
    /// Seconds a failed lookup stays cached.
    public var discoveryNegativeTTL: Int
    /// The admin API's bearer token; nil turns the API off.
    public var adminToken: String?
    public var logLevel: Logger.Level
    /// The same layered values, for the drivers' own keys.
    public var driverSettings: DriverSettings
    /// Where each value came from is not tracked; this is the config file that was read, if any.
    public var configFile: String?

    /// Reads the configuration from `reader`.
    public init(reader: ConfigReader, configFile: String? = nil) throws {
        dataDirectory = reader.string(forKey: "data.dir", default: "./data")
        let databaseText = reader.string(forKey: "database.url", default: "sqlite:\(dataDirectory)/junction.sqlite")
        database = try DatabaseURL(databaseText)
        let listen = reader.string(forKey: "http.listen", default: "127.0.0.1:8080")
        (listenHost, listenPort) = try Self.parseListen(listen)
        let domainText = reader.string(forKey: "hub.domain", default: "localhost:\(listenPort)")
        do {
            domain = try HubDomain(domainText)
        } catch {
            throw JunctionError(.configuration, "hub.domain: \(error.message)")
        }
        allowPrivateNetwork = try Self.bool(reader, "federation.allowPrivateNetwork")
        queueWorkers = try Self.int(reader, "queue.workers", default: 16, in: 1...1024)
        queueLease = try Self.int(reader, "queue.lease", default: 120, in: 1...86400)
        queueRetryDelay = try Self.int(reader, "queue.retryDelay", default: 30, in: 1...86400)
        discoveryTTL = try Self.int(reader, "discovery.ttl", default: 86400, in: 0...(30 * 86400))
        discoveryNegativeTTL = try Self.int(reader, "discovery.negativeTTL", default: 900, in: 0...86400)
        adminToken = reader.string(forKey: "admin.token", isSecret: true).flatMap { $0.isEmpty ? nil : $0 }
        if let adminToken, adminToken.utf8.count < 16 {
            throw JunctionError(.configuration, "admin.token must be at least 16 characters long")
        }
        let level = reader.string(forKey: "log.level", default: "info")
        guard let parsed = Logger.Level(rawValue: level) else {
            throw JunctionError(.configuration, "log.level '\(level)' must be one of trace, debug, info, notice, warning, error, critical")
        }
        logLevel = parsed
        driverSettings = DriverSettings { key in
            reader.string(forKey: ConfigKey(key)) ?? reader.int(forKey: ConfigKey(key)).map(String.init)
                ?? reader.bool(forKey: ConfigKey(key)).map(String.init)
        }
        self.configFile = configFile
    }

    /// A whole number in `range`, given as a JSON number or as text.
    static func int(_ reader: ConfigReader, _ key: String, default value: Int, in range: ClosedRange<Int>) throws -> Int {
        let text = reader.int(forKey: ConfigKey(key)).map(String.init) ?? reader.string(forKey: ConfigKey(key)) ?? String(value)
        guard let number = Int(text), range.contains(number) else {
            throw JunctionError(.configuration, "\(key) must be a whole number from \(range.lowerBound) to \(range.upperBound), not '\(text)'")
        }
        return number
    }

    /// A boolean given as a JSON boolean or as text (`true`/`false`, `1`/`0`, `yes`/`no`), as
    /// flags and environment variables give it.
    static func bool(_ reader: ConfigReader, _ key: String) throws -> Bool {
        if let value = reader.bool(forKey: ConfigKey(key)) { return value }
        switch reader.string(forKey: ConfigKey(key))?.lowercased() {
        case nil, "false", "0", "no": return false
        case "true", "1", "yes": return true
        case let other?: throw JunctionError(.configuration, "\(key) must be true or false, not '\(other)'")
        }
    }

    /// Builds the provider stack (flags, environment, file) and reads the configuration.
    ///
    /// - Parameters:
    ///   - flags: values given on the command line, by configuration key.
    ///   - configFile: a JSON file, or nil to use `JUNCTION_CONFIG` when set.
    ///   - environment: the process environment (injectable for tests).
    public static func load(
        flags: [String: String],
        configFile: String?,
        environment: [String: String]? = nil
    ) async throws -> HubConfiguration {
        let environment = environment ?? ProcessInfo.processInfo.environment
        var values: [AbsoluteConfigKey: ConfigValue] = [:]
        for (key, value) in flags {
            values[AbsoluteConfigKey(key.split(separator: ".").map(String.init))] = .init(.string(value), isSecret: key == "database.url" || key == "admin.token")
        }
        let junctionVariables = environment.filter { $0.key.hasPrefix("JUNCTION_") }
        var providers: [any ConfigProvider] = [
            InMemoryProvider(name: "flags", values: values),
            EnvironmentVariablesProvider(environmentVariables: junctionVariables,
                                         secretsSpecifier: .specific(["JUNCTION_DATABASE_URL", "JUNCTION_ADMIN_TOKEN"]))
                .prefixKeys(with: "junction"),
        ]
        let file = configFile ?? environment["JUNCTION_CONFIG"]
        if let file {
            guard FileManager.default.isReadableFile(atPath: file) else {
                throw JunctionError(.configuration, "config file \(file) does not exist or is not readable")
            }
            do {
                providers.append(try await FileProvider<JSONSnapshot>(filePath: .init(file)))
            } catch {
                throw JunctionError(.configuration, "config file \(file) is not valid JSON: \(error)")
            }
        }
        return try HubConfiguration(reader: ConfigReader(providers: providers), configFile: file)
    }

    static func parseListen(_ text: String) throws -> (String, Int) {
        let host: String
        let portText: Substring
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            host = String(text[text.index(after: text.startIndex)..<close])
            portText = text[text.index(after: close)...].drop { $0 == ":" }
        } else if let colon = text.lastIndex(of: ":") {
            host = String(text[..<colon])
            portText = text[text.index(after: colon)...]
        } else {
            throw JunctionError(.configuration, "http.listen '\(text)' must be HOST:PORT, e.g. 127.0.0.1:8080")
        }
        guard let port = Int(portText), (0...65535).contains(port), !host.isEmpty else {
            throw JunctionError(.configuration, "http.listen '\(text)' must be HOST:PORT with a port from 0 to 65535")
        }
        return (host, port)
    }

    /// Creates the data directory when missing and checks that it is writable.
    public func prepareDataDirectory() throws {
        let manager = FileManager.default
        do {
            try manager.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        } catch {
            throw JunctionError(.configuration, "cannot create data directory \(dataDirectory): \(error.localizedDescription)")
        }
        // access(2) says yes to root for any directory, so probe with a real file.
        let probe = "\(dataDirectory)/.junction-write-probe-\(getpid())"
        guard manager.createFile(atPath: probe, contents: Data()) else {
            throw JunctionError(.configuration, "data directory \(dataDirectory) is not writable by this user")
        }
        try? manager.removeItem(atPath: probe)
    }
}
