import Foundation
@testable import JunctionCore
import JunctionStore
import JunctionTesting
import Logging
import Testing

/// The durable queue under a real crash: `junction serve` is killed with SIGKILL in the middle
/// of a fan-out to loopback hubs and started again.
@Suite("Crash safety", .serialized, .timeLimit(.minutes(5)))
struct CrashTests {
    static let sinkCount = 6
    static let recipientsPerSink = 3
    static let itemCount = 8

    @Test("SIGKILL mid fan-out loses nothing: after a restart every hub has every item, exactly once after deduplication",
          arguments: TestBackend.available)
    func killMidFanOut(_ backend: TestBackend) async throws {
        let hub = try await TestHub.make(backend)
        #expect(try await hub.run(["account", "create", "jane@example.com", "--password-stdin"], stdin: "correct horse\n").status == 0)
        #expect(try await hub.run(["channel", "create", "jane", "--account", "jane@example.com"]).status == 0)
        // Few workers and a short lease, so the kill catches deliveries in flight and a restart
        // takes over their entries within seconds.
        let config = "\(hub.dataDirectory)/crash.json"
        let workers = 2
        try Data(#"{"queue": {"workers": "\#(workers)", "lease": "5"}}"#.utf8).write(to: URL(fileURLWithPath: config))

        try await LoopbackSink.runMany(Self.sinkCount) { sinks in
            for sink in sinks { sink.delay(.milliseconds(150)) }
            let recipients = try await Self.connect(hub, to: sinks)

            var posted: Set<String> = []
            for index in 0..<Self.itemCount {
                let result = try await hub.run(["post", "jane", "item \(index)", "--json"])
                #expect(result.status == 0, "\(result.stderr)")
                let entry = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
                posted.insert(try #require(entry?["mid"] as? String))
            }
            #expect(posted.count == Self.itemCount)

            let total = Self.sinkCount * Self.itemCount
            let extra = ["--allow-private-network", "--config", config]
            let first = try ServeTests.RunningHub(hub, port: try freeLoopbackPort(), extra: extra)
            try await Self.waitUntil(timeout: .seconds(60)) { sinks.reduce(0) { $0 + $1.received.count } >= total / 3 }
            await first.kill()
            let atKill = sinks.reduce(0) { $0 + $1.received.count }
            #expect(atKill < total, "the kill must come in the middle of the fan-out")

            let second = try ServeTests.RunningHub(hub, port: try freeLoopbackPort(), extra: extra)
            try await Self.waitUntil(timeout: .seconds(90)) {
                sinks.allSatisfy { Set($0.received.compactMap(Self.activity).map(\.mid)).count == Self.itemCount }
            }
            // Every hub has every item, addressed to exactly its recipients; repeats come only from
            // deliveries that were in flight when the process died.
            var repeats = 0
            for sink in sinks {
                let activities = sink.received.compactMap(Self.activity)
                #expect(activities.count == sink.received.count, "every request is a well-formed activity")
                #expect(Set(activities.map(\.mid)) == posted)
                for activity in activities { #expect(Set(activity.to) == recipients[sink.host]) }
                repeats += activities.count - Set(activities.map(\.mid)).count
            }
            // Only the attempts in flight or not yet recorded at the kill are repeated.
            let bound = workers * (1 + QueueRunner.unrecorded)
            #expect(repeats <= bound, "at most \(bound) deliveries, those in flight or unrecorded at the kill, are repeated, not \(repeats)")

            try await Self.waitUntil(timeout: .seconds(30)) {
                let status = try? await hub.run(["queue", "status", "--json"])
                let queue = status.flatMap { try? JSONSerialization.jsonObject(with: Data($0.stdout.utf8)) as? [String: Any] }
                return (queue?["destinations"] as? [Any])?.isEmpty == true
            }
            let deliveries = try await hub.run(["deliveries", "1", "--json"])
            let reports = try JSONSerialization.jsonObject(with: Data(deliveries.stdout.utf8)) as? [[String: Any]] ?? []
            #expect(reports.count == Self.sinkCount * Self.recipientsPerSink)
            #expect(reports.allSatisfy { $0["status"] as? String == "delivered" })
            #expect(await second.stop() == 0)
        }
    }

    /// Gives jane `recipientsPerSink` connections on each sink's hub; returns host → recipient hashes.
    static func connect(_ hub: TestHub, to sinks: [LoopbackSink]) async throws -> [String: Set<String>] {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        return try await HubDatabase.withStore(try DatabaseURL(hub.database), logger: logger) { store in
            let channel = try await store.channel(handle: "jane")
            var recipients: [String: Set<String>] = [:]
            try await store.write { session in
                for (index, sink) in sinks.enumerated() {
                    for number in 0..<recipientsPerSink {
                        let hash = "sink\(index)-\(number)"
                        try await session.upsertXChan(XChan(hash: hash, address: "r\(number)@\(sink.host)", name: hash, network: XChan.localNetwork))
                        try await session.upsertHubLoc(HubLoc(xchanHash: hash, network: XChan.localNetwork, host: sink.host,
                                                              endpoint: "\(sink.url)/inbox"))
                        _ = try await session.insertABook(ABook(channelID: channel.id, xchanHash: hash,
                                                                myPermissions: ConnectionRole.contact.permissions, role: .contact))
                        recipients[sink.host, default: []].insert(hash)
                    }
                }
            }
            return recipients
        }
    }

    /// The item id and recipients of a delivered activity.
    static func activity(_ request: LoopbackSink.Received) -> (mid: String, to: [String])? {
        guard let document = try? JSONSerialization.jsonObject(with: request.body) as? [String: Any],
              let object = document["object"] as? [String: Any], let mid = object["id"] as? String,
              let to = document["to"] as? [String]
        else { return nil }
        return (mid, to)
    }

    static func waitUntil(timeout: Duration, _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestSetupError("the condition did not hold within \(timeout)")
    }
}
