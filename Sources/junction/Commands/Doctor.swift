import ArgumentParser
import Foundation
import JunctionCore
import JunctionServer
import JunctionStore
import NIOCore
import NIOPosix
import Logging

struct Doctor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check configuration, database, schema, keys and listen address; say what is wrong and how to fix it."
    )

    @OptionGroup var hub: HubOptions

    @Option(help: ArgumentHelp("The HOST:PORT serve would listen on (default from configuration).", valueName: "host:port"))
    var listen: String?

    func run() async throws {
        var report = Report()
        let configuration: HubConfiguration
        do {
            configuration = try await hub.loadConfiguration(extra: listen.map { ["http.listen": $0] } ?? [:])
            report.ok("configuration", "domain \(configuration.domain) (\(configuration.domain.scheme)), database \(configuration.database)"
                + (configuration.configFile.map { ", file \($0)" } ?? ""))
        } catch {
            report.fail("configuration", "\(error)", fix: "correct the flag, JUNCTION_* variable or config file named above")
            throw report.finish()
        }
        do {
            try configuration.prepareDataDirectory()
            report.ok("data directory", configuration.dataDirectory)
        } catch {
            report.fail("data directory", "\(error)", fix: "pass --data-dir with a directory this user can write")
        }
        await checkDatabase(configuration, &report)
        await checkListen(configuration, &report)
        throw report.finish()
    }

    private func checkDatabase(_ configuration: HubConfiguration, _ report: inout Report) async {
        let logger = CommandLogging.logger(level: .critical)
        do {
            let outcome = try await HubDatabase.withStore(configuration.database, migrate: false, logger: logger) { store in
                var lines: [(Bool, String, String, String?)] = []
                let version = try await HubDatabase.schemaVersion(of: store)
                let latest = HubDatabase.latestSchemaVersion
                lines.append((true, "database", "\(store.backendName) reachable", nil))
                if version > latest {
                    lines.append((false, "schema", "version \(version) is newer than this binary (\(latest))", "run a newer junction"))
                    return lines
                } else if version < latest {
                    lines.append((false, "schema", "version \(version), this binary needs \(latest)", "run: junction migrate"))
                    return lines
                }
                lines.append((true, "schema", "version \(version)", nil))
                if let key = try await store.sitePublicKey(), try await store.siteSigningKey()?.publicKey == key {
                    lines.append((true, "site key", key.base64, nil))
                } else {
                    lines.append((false, "site key", "missing or corrupt", "run: junction migrate (or start junction serve once)"))
                }
                let channels = try await store.read { try await $0.channels(accountID: nil) }
                var broken: [String] = []
                for channel in channels {
                    let key = try? await store.read { try await $0.channelSigningKey(channelID: channel.id) }
                    if key.flatMap({ $0 })?.publicKey != channel.publicKey { broken.append(channel.handle.rawValue) }
                }
                if broken.isEmpty {
                    lines.append((true, "channel keys", "\(channels.count) channel(s), every key pair intact", nil))
                } else {
                    lines.append((false, "channel keys", "broken for \(broken.joined(separator: ", "))", "restore the database from a backup"))
                }
                return lines
            }
            for (ok, name, detail, fix) in outcome {
                if ok { report.ok(name, detail) } else { report.fail(name, detail, fix: fix ?? "") }
            }
        } catch {
            report.fail("database", "\(error)", fix: "check --database / JUNCTION_DATABASE_URL and that the server runs")
        }
    }

    private func checkListen(_ configuration: HubConfiguration, _ report: inout Report) async {
        let address = "\(configuration.listenHost):\(configuration.listenPort)"
        do {
            let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .bind(host: configuration.listenHost, port: configuration.listenPort).get()
            try await channel.close()
            report.ok("listen address", "\(address) is free")
        } catch {
            report.fail("listen address", "cannot listen on \(address): \(error)",
                        fix: "stop what uses it (perhaps junction serve is already running) or pass --listen")
        }
    }

    /// Collects the checks and prints them as they come.
    struct Report {
        private(set) var failures = 0

        mutating func ok(_ name: String, _ detail: String) {
            print("ok    \(name): \(detail)")
        }

        mutating func fail(_ name: String, _ detail: String, fix: String) {
            failures += 1
            print("FAIL  \(name): \(detail)" + (fix.isEmpty ? "" : "\n      fix: \(fix)"))
        }

        func finish() -> ExitCode {
            if failures == 0 {
                print("everything looks right")
                return .success
            }
            print("\(failures) problem(s) found")
            return .failure
        }
    }
}
