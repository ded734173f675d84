import Foundation
import JunctionCore
import JunctionStore
import JunctionTesting
import Logging
import Testing

/// `junction queue`, `site` and `deliveries` against a queue seeded through the store.
@Suite("Queue commands", .timeLimit(.minutes(2)))
struct QueueCommandTests {
    @Test("status, deliveries, block, retry, purge, unblock and revive", arguments: TestBackend.available)
    func steering(_ backend: TestBackend) async throws {
        let hub = try await TestHub.make(backend)
        _ = try await hub.run(["account", "create", "jane@example.com", "--password-stdin"], stdin: "correct horse\n")
        _ = try await hub.run(["channel", "create", "jane", "--account", "jane@example.com"])
        let (itemID, deadID) = try await HubDatabase.withStore(try DatabaseURL(hub.database), logger: Logger(label: "test")) { store in
            try await store.write { session in
                let channel = try #require(try await session.channel(handle: Handle("jane")))
                let item = try #require(try await session.insertItem(Item(channelID: channel.id, mid: "https://hub.example/item/1",
                                                                        authorXChan: channel.xchanHash, ownerXChan: channel.xchanHash,
                                                                        body: "hello", originNetwork: "junction", isOrigin: true)))
                func draft(_ host: String, _ recipient: String) -> QueueEntryDraft {
                    QueueEntryDraft(destination: host, endpoint: "https://\(host)/inbox", payload: Data("{}".utf8),
                                    contentType: "application/json", recipients: [recipient])
                }
                let ids = try await session.enqueue([draft("a.example", "ra1"), draft("a.example", "ra2"), draft("b.example", "rb")],
                                                    network: "fake", channelID: channel.id, itemID: item.id, now: Date())
                var dead = try #require(try await session.queueEntry(id: ids[0]))
                dead.attempts = 12
                try await session.finishEntries([FinishedAttempt(entry: dead, decision: .deadLetter("gave up after 12 attempts: HTTP 502"))], now: Date())
                return (item.id, ids[0])
            }
        }

        let status = try await hub.run(["queue", "status", "--json"])
        #expect(status.status == 0, "\(status.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        let destinations = try #require(report["destinations"] as? [[String: Any]])
        #expect(destinations.map { $0["destination"] as? String } == ["a.example", "b.example"])
        #expect(destinations.first?["pending"] as? Int == 1 && destinations.first?["deadLetters"] as? Int == 1)

        let deliveries = try await hub.run(["deliveries", "\(itemID)"])
        #expect(deliveries.stdout.contains("dead_letter") && deliveries.stdout.contains("HTTP 502"), "\(deliveries.stdout)")
        #expect(deliveries.stdout.contains("queued"))

        let block = try await hub.run(["site", "block", "b.example"])
        #expect(block.status == 0 && block.stdout.contains("cancelled 1"), "\(block.stdout)\(block.stderr)")
        let afterBlock = try await hub.run(["queue", "status"])
        #expect(afterBlock.stdout.contains("b.example") && afterBlock.stdout.contains("blocked"))

        let retry = try await hub.run(["queue", "retry", "\(deadID)"])
        #expect(retry.status == 0 && retry.stdout.contains("1 entry"), "\(retry.stdout)\(retry.stderr)")
        let reports = try await hub.run(["deliveries", "\(itemID)", "--json"])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(reports.stdout.utf8)) as? [[String: Any]])
        #expect(Dictionary(rows.map { ($0["recipient"] as! String, $0["status"] as! String) }, uniquingKeysWith: { a, _ in a })
                == ["ra1": "queued", "ra2": "queued", "rb": "cancelled"])

        let purge = try await hub.run(["queue", "purge", "--site", "a.example"])
        #expect(purge.stdout.contains("cancelled 2"), "\(purge.stdout)")
        #expect(try await hub.run(["queue", "status"]).stdout.contains("the queue is empty"))

        #expect(try await hub.run(["site", "unblock", "b.example"]).status == 0)
        let notBlocked = try await hub.run(["site", "unblock", "b.example"])
        #expect(notBlocked.status != 0 && notBlocked.stderr.contains("not blocked"))
        let unknown = try await hub.run(["site", "revive", "nowhere.example"])
        #expect(unknown.status != 0 && unknown.stderr.contains("no deliveries"))
        let both = try await hub.run(["queue", "retry", "1", "--site", "a.example"])
        #expect(both.status != 0)
        let missing = try await hub.run(["deliveries", "999"])
        #expect(missing.status != 0 && missing.stderr.contains("no item 999"))
    }
}
