import Foundation
import JunctionCore
import JunctionServer
import JunctionStore
import JunctionTesting
import Testing

@Suite("Configuration layers")
struct HubConfigurationTests {
    @Test("defaults work on a new machine")
    func defaults() async throws {
        let configuration = try await HubConfiguration.load(flags: [:], configFile: nil, environment: [:])
        #expect(configuration.dataDirectory == "./data")
        #expect(configuration.database.backend == .sqlite(path: "./data/junction.sqlite"))
        #expect(configuration.listenHost == "127.0.0.1" && configuration.listenPort == 8080)
        #expect(configuration.domain.description == "localhost:8080")
        #expect(configuration.allowPrivateNetwork == false)
    }

    @Test("flags beat the environment, which beats the file, which beats the defaults")
    func layering() async throws {
        let directory = try TemporaryDirectory.make(prefix: "junction-config")
        let file = "\(directory)/junction.json"
        try Data("""
            {"data": {"dir": "/from/file"}, "http": {"listen": "127.0.0.1:9001"}, "hub": {"domain": "file.example"},
             "federation": {"allowPrivateNetwork": true}}
            """.utf8).write(to: URL(fileURLWithPath: file))
        let fromFile = try await HubConfiguration.load(flags: [:], configFile: file, environment: [:])
        #expect(fromFile.dataDirectory == "/from/file" && fromFile.listenPort == 9001)
        #expect(fromFile.domain.description == "file.example" && fromFile.allowPrivateNetwork)
        #expect(fromFile.database.backend == .sqlite(path: "/from/file/junction.sqlite"))

        let environment = ["JUNCTION_DATA_DIR": "/from/env", "JUNCTION_HUB_DOMAIN": "env.example:8443", "HOME": "/ignored"]
        let fromEnvironment = try await HubConfiguration.load(flags: [:], configFile: file, environment: environment)
        #expect(fromEnvironment.dataDirectory == "/from/env" && fromEnvironment.domain.description == "env.example:8443")
        #expect(fromEnvironment.listenPort == 9001)

        let fromFlags = try await HubConfiguration.load(flags: ["data.dir": "/from/flags", "http.listen": "0.0.0.0:9100"],
                                                        configFile: nil, environment: environment.merging(["JUNCTION_CONFIG": file]) { $1 })
        #expect(fromFlags.dataDirectory == "/from/flags" && fromFlags.listenHost == "0.0.0.0" && fromFlags.listenPort == 9100)
        #expect(fromFlags.allowPrivateNetwork)  // from the file named by JUNCTION_CONFIG
    }

    @Test("flags and environment variables give booleans and numbers as text")
    func textValues() async throws {
        let fromFlags = try await HubConfiguration.load(
            flags: ["federation.allowPrivateNetwork": "true", "queue.workers": "3", "queue.lease": "7"], configFile: nil, environment: [:])
        #expect(fromFlags.allowPrivateNetwork && fromFlags.queueWorkers == 3 && fromFlags.queueLease == 7)
        let fromEnvironment = try await HubConfiguration.load(flags: [:], configFile: nil, environment: [
            "JUNCTION_FEDERATION_ALLOW_PRIVATE_NETWORK": "yes", "JUNCTION_QUEUE_WORKERS": "5", "JUNCTION_ADMIN_TOKEN": "0123456789abcdef",
        ])
        #expect(fromEnvironment.allowPrivateNetwork && fromEnvironment.queueWorkers == 5)
        #expect(fromEnvironment.adminToken == "0123456789abcdef")
        let defaults = try await HubConfiguration.load(flags: [:], configFile: nil, environment: [:])
        #expect(defaults.queueWorkers == 16 && defaults.queueLease == 120 && defaults.adminToken == nil)
    }

    @Test("the domain follows the listen port unless given")
    func domainFollowsListen() async throws {
        let configuration = try await HubConfiguration.load(flags: ["http.listen": "127.0.0.1:8081"], configFile: nil, environment: [:])
        #expect(configuration.domain.description == "localhost:8081")
    }

    @Test(arguments: [
        ["http.listen": "nonsense"], ["http.listen": "127.0.0.1:99999"], ["hub.domain": "bad domain"],
        ["database.url": "mysql://x"], ["log.level": "loud"], ["federation.allowPrivateNetwork": "perhaps"],
        ["queue.workers": "0"], ["queue.workers": "many"], ["queue.lease": "-1"], ["admin.token": "short"],
    ])
    func invalidValues(_ flags: [String: String]) async {
        await #expect(throws: JunctionError.self) {
            try await HubConfiguration.load(flags: flags, configFile: nil, environment: [:])
        }
    }

    @Test func missingOrBrokenFile() async throws {
        await #expect(throws: JunctionError.self) {
            try await HubConfiguration.load(flags: [:], configFile: "/no/such/file.json", environment: [:])
        }
        let directory = try TemporaryDirectory.make(prefix: "junction-config")
        try Data("{not json".utf8).write(to: URL(fileURLWithPath: "\(directory)/bad.json"))
        await #expect(throws: JunctionError.self) {
            try await HubConfiguration.load(flags: [:], configFile: "\(directory)/bad.json", environment: [:])
        }
    }

    @Test func unwritableDataDirectory() async throws {
        // A path below a regular file can never be created, even by root.
        let directory = try TemporaryDirectory.make(prefix: "junction-config")
        try Data().write(to: URL(fileURLWithPath: "\(directory)/file"))
        let configuration = try await HubConfiguration.load(flags: ["data.dir": "\(directory)/file/data"], configFile: nil, environment: [:])
        #expect(throws: JunctionError.self) { try configuration.prepareDataDirectory() }
    }
}
