import Foundation
import JunctionCore
import JunctionStore
import JunctionTesting
import Testing

/// Claims on every backend (PostgreSQL claims in one statement, SQLite step by step): which due
/// entries a claim takes, in what order, and how many per destination.
@Suite("Queue claims", .timeLimit(.minutes(2)))
struct QueueClaimTests {
    static func draft(_ host: String, priority: Int = 0) -> QueueEntryDraft {
        QueueEntryDraft(destination: host, endpoint: "http://\(host)/inbox", payload: Data("p".utf8), contentType: "text/plain",
                        recipients: ["r@\(host)"], priority: priority)
    }

    @Test("a claim takes what each site's health allows: the healthy limit less what is in flight, one probe, none", arguments: TestBackend.available)
    func limitsBySite(_ backend: TestBackend) async throws {
        try await withTestStore(backend) { store, _ in
            let now = Date(timeIntervalSince1970: 1_800_000_000)
            let policy = DeliveryPolicy()
            let sites = [
                Site(host: "ok.example", lastSuccess: now, updated: now),
                Site(host: "failing.example", lastFailure: now, firstFailure: now, failureStreak: 2, updated: now),
                Site(host: "dead.example", lastFailure: now.addingTimeInterval(-3600), failureStreak: 9, isDead: true, updated: now),
                Site(host: "revived.example", lastFailure: now.addingTimeInterval(-2 * 86400), failureStreak: 9, isDead: true, updated: now),
                Site(host: "blocked.example", isBlocked: true, updated: now),
            ]
            let hosts = sites.map(\.host) + ["new.example"]
            try await store.write { session in
                for site in sites { try await session.upsertSite(site) }
                for (offset, host) in hosts.enumerated() {
                    _ = try await session.enqueue(Array(repeating: Self.draft(host), count: 6), network: "fake", channelID: nil, itemID: nil,
                                                  now: now.addingTimeInterval(Double(offset) - 100))
                }
            }
            // One of ok.example's entries is in flight with another worker.
            let other = try await store.write {
                try await $0.claimDueEntries(now: now.addingTimeInterval(-100), limit: 1, owner: "other", leaseUntil: now.addingTimeInterval(60), policy: policy)
            }
            #expect(other.map(\.destination) == ["ok.example"])

            let claimed = try await store.write {
                try await $0.claimDueEntries(now: now, limit: 100, owner: "me", leaseUntil: now.addingTimeInterval(60), policy: policy)
            }
            let counts = Dictionary(grouping: claimed, by: \.destination).mapValues(\.count)
            #expect(counts == ["ok.example": 3, "new.example": 4, "failing.example": 1, "revived.example": 1])
            // The counts agree with the policy the runner uses.
            for site in sites where site.host != "ok.example" {
                #expect(counts[site.host, default: 0] == policy.concurrency(for: site, now: now), "\(site.host)")
            }
            #expect(claimed.allSatisfy { $0.attempts == 1 })
            // Leased to me: nothing is left for another claim until something finishes.
            let again = try await store.write {
                try await $0.claimDueEntries(now: now, limit: 100, owner: "third", leaseUntil: now.addingTimeInterval(60), policy: policy)
            }
            #expect(again.isEmpty)
        }
    }

    @Test("a claim takes higher priority first, then the oldest due, and leaves held entries and the rest of its window", arguments: TestBackend.available)
    func order(_ backend: TestBackend) async throws {
        try await withTestStore(backend) { store, _ in
            let now = Date(timeIntervalSince1970: 1_800_000_000)
            try await store.write { session in
                for index in 0..<5 {
                    _ = try await session.enqueue([Self.draft("h\(index).example")], network: "fake", channelID: nil, itemID: nil,
                                                  now: now.addingTimeInterval(Double(index) - 60))
                }
                // Newest, but urgent.
                _ = try await session.enqueue([Self.draft("urgent.example", priority: 5)], network: "fake", channelID: nil, itemID: nil,
                                              now: now.addingTimeInterval(-1))
                // Held for a retry an hour from now.
                _ = try await session.enqueue([Self.draft("later.example")], network: "fake", channelID: nil, itemID: nil,
                                              now: now.addingTimeInterval(3600))
            }
            let claim = { (limit: Int, owner: String) in
                try await store.write {
                    try await $0.claimDueEntries(now: now, limit: limit, owner: owner, leaseUntil: now.addingTimeInterval(60), policy: DeliveryPolicy())
                }.map(\.destination)
            }
            #expect(try await claim(3, "a") == ["urgent.example", "h0.example", "h1.example"])
            #expect(try await claim(10, "b") == ["h2.example", "h3.example", "h4.example"])
            #expect(try await claim(10, "c").isEmpty)
        }
    }

    @Test("enqueueing returns each draft's entry id, in the drafts' order, with everything the draft held", arguments: TestBackend.available)
    func enqueueOrder(_ backend: TestBackend) async throws {
        try await withTestStore(backend) { store, _ in
            let now = Date(timeIntervalSince1970: 1_800_000_000)
            let drafts = (0..<250).map { index in
                QueueEntryDraft(destination: "h\((index * 7) % 250).example", endpoint: "http://h\(index).example/inbox",
                                payload: Data("payload \(index)".utf8), contentType: "text/plain", recipients: ["a\(index)", "b\(index)"],
                                priority: index % 3)
            }
            let ids = try await store.write { try await $0.enqueue(drafts, network: "fake", channelID: nil, itemID: 42, now: now) }
            #expect(ids.count == drafts.count && Set(ids).count == drafts.count)
            for (id, draft) in zip(ids, drafts) {
                let entry = try #require(try await store.read { try await $0.queueEntry(id: id) })
                #expect(entry.destination == draft.destination && entry.endpoint == draft.endpoint && entry.payload == draft.payload
                        && entry.recipients == draft.recipients && entry.priority == draft.priority && entry.itemID == 42
                        && entry.channelID == nil && entry.network == "fake" && entry.attempts == 0 && entry.nextAttempt == now)
            }
        }
    }
}
