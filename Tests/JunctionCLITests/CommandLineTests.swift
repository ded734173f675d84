import Foundation
import JunctionTesting
import Testing

/// The `junction` binary, spawned as an operator would run it, on every backend.
@Suite("Command line", .timeLimit(.minutes(3)))
struct CommandLineTests {
    @Test("accounts: create with a password on stdin, refuse bad input, list", arguments: TestBackend.available)
    func accounts(_ backend: TestBackend) async throws {
        let hub = try await TestHub.make(backend)
        let created = try await hub.run(["account", "create", "Jane@Example.com", "--password-stdin"], stdin: "correct horse\n")
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stdout.contains("created account 1 jane@example.com"))

        let duplicate = try await hub.run(["account", "create", "jane@example.com", "--password-stdin"], stdin: "correct horse\n")
        #expect(duplicate.status != 0)
        #expect(duplicate.stderr.contains("already exists"))

        let short = try await hub.run(["account", "create", "bob@example.com", "--password-stdin"], stdin: "short\n")
        #expect(short.status != 0 && short.stderr.contains("at least 8 characters"))
        let empty = try await hub.run(["account", "create", "bob@example.com", "--password-stdin"], stdin: "")
        #expect(empty.status != 0 && empty.stderr.contains("no password"))
        let noFlag = try await hub.run(["account", "create", "bob@example.com"])
        #expect(noFlag.status != 0 && noFlag.stderr.contains("--password-stdin"))
        let badEmail = try await hub.run(["account", "create", "not-an-email", "--password-stdin"], stdin: "correct horse\n")
        #expect(badEmail.status != 0 && badEmail.stderr.contains("not an email address"))

        let list = try await hub.run(["account", "list", "--json"])
        #expect(list.status == 0)
        let accounts = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]]
        #expect(accounts?.map { $0["email"] as? String } == ["jane@example.com"])
        #expect(!list.stdout.contains("argon2"))
    }

    @Test("channels and connections", arguments: TestBackend.available)
    func channels(_ backend: TestBackend) async throws {
        let hub = try await TestHub.make(backend)
        _ = try await hub.run(["account", "create", "jane@example.com", "--password-stdin"], stdin: "correct horse\n")
        let created = try await hub.run(["channel", "create", "jane", "--account", "jane@example.com", "--name", "Jane Doe", "--role", "group"])
        #expect(created.status == 0, "\(created.stderr)")
        for (arguments, message) in [
            (["channel", "create", "jane", "--account", "jane@example.com"], "already exists"),
            (["channel", "create", "Bad-Handle", "--account", "jane@example.com"], "handle"),
            (["channel", "create", "bob", "--account", "nobody@example.com"], "no account"),
            (["channel", "create", "bob", "--account", "jane@example.com", "--role", "emperor"], "role"),
        ] {
            let result = try await hub.run(arguments)
            #expect(result.status != 0, "\(arguments)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
        let list = try await hub.run(["channel", "list", "--json"])
        let channels = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        #expect(channels.count == 1)
        #expect(channels.first?["handle"] as? String == "jane")
        #expect(channels.first?["role"] as? String == "group")
        #expect(channels.first?["address"] as? String == "jane@localhost:8080")
        #expect((channels.first?["publicKey"] as? String)?.count == 44)
        #expect(!list.stdout.contains("private"))

        let table = try await hub.run(["channel", "list"])
        #expect(table.stdout.contains("jane") && table.stdout.contains("Jane Doe"))

        let connections = try await hub.run(["connections", "jane", "--json"])
        #expect(connections.status == 0, "\(connections.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(connections.stdout.utf8)) as? [[String: Any]])
        #expect(rows.count == 1 && (rows.first?["state"] as? [String]) == ["self"])
        let unknown = try await hub.run(["connections", "nobody"])
        #expect(unknown.status != 0 && unknown.stderr.contains("no channel"))
    }

    @Test("migrate and doctor", arguments: TestBackend.available)
    func migrateAndDoctor(_ backend: TestBackend) async throws {
        let hub = try await TestHub.make(backend)
        let migrate = try await hub.run(["migrate"])
        #expect(migrate.status == 0 && migrate.stdout.contains("version"), "\(migrate.stderr)")
        let port = try freeLoopbackPort()
        let doctor = try await hub.run(["doctor", "--listen", "127.0.0.1:\(port)"])
        #expect(doctor.status == 0, "\(doctor.stdout)")
        for check in ["configuration", "data directory", "database", "schema", "site key", "channel keys", "listen address"] {
            #expect(doctor.stdout.contains("ok    \(check)"), "\(check) in \(doctor.stdout)")
        }
    }

    @Test("doctor names what is wrong and how to fix it")
    func doctorFindsProblems() async throws {
        let hub = try await TestHub.make(.sqlite)
        // A fresh database has no schema and no key yet.
        let fresh = try await hub.run(["doctor", "--listen", "127.0.0.1:\(try freeLoopbackPort())"])
        #expect(fresh.status != 0)
        #expect(fresh.stdout.contains("FAIL  schema") && fresh.stdout.contains("junction migrate"))
        let unreachable = try await runJunction(["doctor", "--data-dir", hub.dataDirectory, "--database", "postgres://nobody@127.0.0.1:1/none?sslmode=disable"])
        #expect(unreachable.status != 0 && unreachable.stdout.contains("FAIL  database"))
    }

    @Test("bad input gives one clear line and a non-zero exit")
    func badInput() async throws {
        let hub = try await TestHub.make(.sqlite)
        let unknownFlag = try await hub.run(["account", "list", "--no-such-flag"])
        #expect(unknownFlag.status != 0 && unknownFlag.stderr.contains("--no-such-flag"))
        let badDatabase = try await runJunction(["account", "list", "--data-dir", hub.dataDirectory, "--database", "mysql://x"])
        #expect(badDatabase.status != 0 && badDatabase.stderr.contains("must start with sqlite: or postgres://"))
        let unreachable = try await runJunction(["account", "list", "--data-dir", hub.dataDirectory,
                                           "--database", "postgres://nobody:pw@127.0.0.1:1/none?sslmode=disable"])
        #expect(unreachable.status != 0 && unreachable.stderr.contains("cannot reach PostgreSQL"))
        #expect(!unreachable.stderr.contains(":pw@"))
        try Data().write(to: URL(fileURLWithPath: "\(hub.dataDirectory)/file"))
        let unwritable = try await runJunction(["account", "list", "--data-dir", "\(hub.dataDirectory)/file/data"])
        #expect(unwritable.status != 0 && unwritable.stderr.contains("data directory"))
        let missingConfig = try await hub.run(["account", "list", "--config", "/no/such/junction.json"])
        #expect(missingConfig.status != 0 && missingConfig.stderr.contains("config file"))
    }

    @Test("every command has --help and takes the common flags",
          arguments: [["serve"], ["migrate"], ["account", "create"], ["account", "list"], ["channel", "create"],
                      ["channel", "list"], ["connections"], ["doctor"], ["queue", "status"], ["queue", "retry"],
                      ["queue", "purge"], ["site", "block"], ["site", "unblock"], ["site", "revive"], ["deliveries"]])
    func help(_ command: [String]) async throws {
        let result = try await runJunction(command + ["--help"])
        #expect(result.status == 0)
        for flag in ["--data-dir", "--database", "--config"] {
            #expect(result.stdout.contains(flag), "\(command) lacks \(flag)")
        }
        if command == ["serve"] {
            #expect(result.stdout.contains("--listen") && result.stdout.contains("--domain") && result.stdout.contains("--allow-private-network"))
        }
    }
}
