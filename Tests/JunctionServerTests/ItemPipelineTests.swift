import Foundation
import JunctionCore
import JunctionServer
import JunctionStore
import JunctionTesting
import Logging
import Synchronization
import Testing

/// The item pipeline on every backend: local posts, edits and deletes, received items with
/// their echo, thread, ACL and permission checks, hooks and live events.
@Suite("Item pipeline", .timeLimit(.minutes(3)))
struct ItemPipelineTests {
    typealias Scenario = DeliveryTests.Scenario

    struct Pipeline {
        let items: ItemPipeline
        let live: LiveEvents
        let hooked: Recorder
        /// The mids the `itemStore` hook saw.
        var stored: [String] { hooked.mids.withLock { $0 } }
    }

    final class Recorder: Sendable {
        let mids = Mutex<[String]>([])
    }

    static func pipeline(_ scenario: Scenario, drivers: [any Driver]) -> Pipeline {
        let live = LiveEvents()
        let hooked = Recorder()
        scenario.hooks.register(.itemStore, name: "test") { payload in hooked.mids.withLock { $0.append(payload.item.mid) } }
        let items = ItemPipeline(store: scenario.store, hooks: scenario.hooks, notifier: scenario.notifier(drivers), live: live,
                                 drivers: drivers, domain: DeliveryTests.domain, logger: Logger(label: "test"))
        return Pipeline(items: items, live: live, hooked: hooked)
    }

    /// An item authored by `author` as a driver would hand it in.
    static func incoming(_ scenario: Scenario, author: String, mid: String = "https://remote.example/\(UUID().uuidString)",
                         replyTo: String? = nil, isPrivate: Bool = false, allow: [String] = []) -> Item {
        Item(channelID: scenario.channel.id, mid: mid, parentMid: replyTo, thrParent: replyTo, authorXChan: author,
             ownerXChan: author, body: "from \(author)", acl: AccessControlList(allowXChans: allow), isPrivate: isPrivate,
             originNetwork: "whatever", isOrigin: true)
    }

    @Test("a local post is stored, queued for its audience in the same transaction, hooked and published live",
          arguments: TestBackend.available)
    func localPost(_ backend: TestBackend) async throws {
        try await withTestStore(backend) { store, _ in
            let scenario = try await Scenario.make(store)
            try await scenario.remote("a1", host: "a.example")
            try await scenario.remote("b1", host: "b.example")
            let driver = FakeDriver()
            let pipeline = Self.pipeline(scenario, drivers: [driver])
            let events = pipeline.live.subscribe(channelID: scenario.channel.id)
            let item = try await pipeline.items.post(LocalPost(channelID: scenario.channel.id, body: "hello", title: "Hi"))
            #expect(item.isOrigin && item.originNetwork == XChan.localNetwork && item.mid.hasPrefix("https://hub.example/item/"))
            #expect(try await scenario.reports(item) == ["a1": .queued, "b1": .queued])
            #expect(pipeline.stored == [item.mid])
            var iterator = events.makeAsyncIterator()
            let event = await iterator.next()
            #expect(event?.kind == .itemStored && event?.item.mid == item.mid)

            let reply = try await pipeline.items.post(LocalPost(channelID: scenario.channel.id, body: "more", replyTo: item.id))
            #expect(reply.parentMid == item.mid && reply.thrParent == item.mid && reply.ownerXChan == scenario.channel.xchanHash)

            await #expect(throws: JunctionError.self) {
                try await pipeline.items.post(LocalPost(channelID: scenario.channel.id, body: "x", mimeType: "text/rtf"))
            }
            await #expect(throws: JunctionError.self) {
                try await pipeline.items.post(LocalPost(channelID: scenario.channel.id, body: "x", privateTo: ["nobody"]))
            }
            let stream = try await store.read { try await $0.stream(channelID: scenario.channel.id, limit: 10, before: nil) }
            #expect(stream.map(\.id) == [reply.id, item.id])
        }
    }

    @Test("a private post and its replies reach only the named recipients", arguments: TestBackend.available)
    func privatePost(_ backend: TestBackend) async throws {
        try await withTestStore(backend) { store, _ in
            let scenario = try await Scenario.make(store)
            try await scenario.remote("friend", host: "a.example")
            try await scenario.remote("other", host: "b.example")
            let pipeline = Self.pipeline(scenario, drivers: [FakeDriver()])
            let item = try await pipeline.items.post(LocalPost(channelID: scenario.channel.id, body: "psst", privateTo: ["friend"]))
            #expect(item.isPrivate && item.acl.allowXChans == ["friend"])
            #expect(try await scenario.reports(item) == ["friend": .queued])
            let reply = try await pipeline.items.post(LocalPost(channelID: scenario.channel.id, body: "and", replyTo: item.id))
            #expect(reply.isPrivate)
            #expect(try await scenario.reports(reply) == ["friend": .queued])
        }
    }

    @Test("received items: stored once, echoes, strangers' private items, unknown threads and unwanted authors refused",
          arguments: TestBackend.available)
    func receive(_ backend: TestBackend) async throws {
        try await withTestStore(backend) { store, _ in
            let scenario = try await Scenario.make(store)
            try await scenario.remote("bob", host: "b.example", permissions: ConnectionRole.contact.permissions)
            try await scenario.remote("mallory", host: "m.example", blocked: true)
            try await scenario.remote("reader", host: "r.example", permissions: [.viewStream])
            try await scenario.remote("foreign", host: "o.example", network: "other")
            let pipeline = Self.pipeline(scenario, drivers: [FakeDriver(), FakeDriver(network: "other")])
            let events = pipeline.live.subscribe(channelID: scenario.channel.id)

            let item = Self.incoming(scenario, author: "bob")
            guard case .stored(let stored) = try await pipeline.items.receive(item, network: "fake") else {
                Issue.record("bob's item was not stored")
                return
            }
            #expect(stored.originNetwork == "fake" && !stored.isOrigin)
            #expect(try await pipeline.items.receive(item, network: "fake") == .duplicate(stored))

            func refused(_ item: Item, network: String = "fake") async throws -> String? {
                if case .refused(let reason) = try await pipeline.items.receive(item, network: network) { return reason }
                return nil
            }
            #expect(try await refused(Self.incoming(scenario, author: "foreign"))?.contains("echo") == true)
            #expect(try await refused(Self.incoming(scenario, author: scenario.channel.xchanHash))?.contains("echo") == true)
            #expect(try await refused(Self.incoming(scenario, author: "ghost"))?.contains("unknown author") == true)
            #expect(try await refused(Self.incoming(scenario, author: "bob", isPrivate: true, allow: ["someone"]))?.contains("not addressed") == true)
            #expect(try await refused(Self.incoming(scenario, author: "bob", replyTo: "https://remote.example/unknown"))?.contains("thread") == true)
            #expect(try await refused(Self.incoming(scenario, author: "mallory"))?.contains("does not take in") == true)
            #expect(try await refused(Self.incoming(scenario, author: "reader"))?.contains("may not post") == true)

            let addressed = Self.incoming(scenario, author: "bob", isPrivate: true, allow: [scenario.channel.xchanHash])
            #expect(try await refused(addressed) == nil)

            let stream = try await store.read { try await $0.stream(channelID: scenario.channel.id, limit: 50, before: nil) }
            #expect(stream.map(\.mid) == [addressed.mid, item.mid])
            #expect(pipeline.stored == [item.mid, addressed.mid])
            var iterator = events.makeAsyncIterator()
            #expect(await iterator.next()?.item.mid == item.mid)
            #expect(await iterator.next()?.item.mid == addressed.mid)
        }
    }

    @Test("a copy of one of our items coming back is a duplicate, not a new item", arguments: TestBackend.available)
    func copyComingBack(_ backend: TestBackend) async throws {
        try await withTestStore(backend) { store, _ in
            let scenario = try await Scenario.make(store)
            try await scenario.remote("bob", host: "b.example")
            let pipeline = Self.pipeline(scenario, drivers: [FakeDriver()])
            let original = try await scenario.post("ours", copies: [.init(network: "fake", remoteID: "fake:42")])
            let echo = Self.incoming(scenario, author: "bob", mid: "fake:42")
            #expect(try await pipeline.items.receive(echo, network: "fake") == .duplicate(original))
        }
    }

    @Test("a comment on our thread goes on to the thread's audience, never back to its network", arguments: TestBackend.available)
    func relayComment(_ backend: TestBackend) async throws {
        try await withTestStore(backend) { store, _ in
            let scenario = try await Scenario.make(store)
            try await scenario.remote("bob", host: "b.example")
            try await scenario.remote("carol", host: "c.example")
            try await scenario.remote("dave", host: "d.example", network: "other")
            let pipeline = Self.pipeline(scenario, drivers: [FakeDriver(), FakeDriver(network: "other")])
            let post = try await pipeline.items.post(LocalPost(channelID: scenario.channel.id, body: "thread"))
            let comment = Self.incoming(scenario, author: "bob", replyTo: post.mid)
            guard case .stored(let stored) = try await pipeline.items.receive(comment, network: "fake") else {
                Issue.record("the comment was not stored")
                return
            }
            #expect(stored.parentMid == post.mid && stored.ownerXChan == scenario.channel.xchanHash)
            let reports = try await scenario.reports(stored)
            #expect(reports["dave"] == .queued)
            #expect(reports["bob"] == .refused && reports["carol"] == .refused)
        }
    }

    @Test("edits and deletes: only the author's, pending deliveries cancelled, the audience told", arguments: TestBackend.available)
    func editAndDelete(_ backend: TestBackend) async throws {
        try await withTestStore(backend) { store, _ in
            let scenario = try await Scenario.make(store)
            try await scenario.remote("bob", host: "b.example")
            let driver = FakeDriver()
            let pipeline = Self.pipeline(scenario, drivers: [driver])
            let post = try await pipeline.items.post(LocalPost(channelID: scenario.channel.id, body: "first"))
            let edited = try await pipeline.items.edit(itemID: post.id, title: nil, body: "second")
            #expect(edited.body == "second" && edited.verb == .update)
            let deleted = try await pipeline.items.delete(itemID: post.id)
            #expect(deleted.isDeleted && deleted.body.isEmpty)
            let events = driver.encoded.map(\.mid)
            #expect(events == [post.mid, post.mid, post.mid])
            let entries = try await store.read { session in
                try await session.queueSummary(now: Date()).reduce(0) { $0 + $1.pending }
            }
            #expect(entries == 1, "the post and the edit were cancelled; only the delete waits")
            await #expect(throws: JunctionError.self) { try await pipeline.items.delete(itemID: post.id) }

            let received = Self.incoming(scenario, author: "bob")
            _ = try await pipeline.items.receive(received, network: "fake")
            let stored = try #require(try await store.read { try await $0.item(channelID: scenario.channel.id, mid: received.mid) })
            await #expect(throws: JunctionError.self) { try await pipeline.items.delete(itemID: stored.id) }

            var change = received
            change.body = "bob edited"
            change.edited = Date().addingTimeInterval(5)
            #expect(try await pipeline.items.receiveChange(change, network: "other") != .stored(stored))
            guard case .stored(let changed) = try await pipeline.items.receiveChange(change, network: "fake") else {
                Issue.record("bob's edit was not applied")
                return
            }
            #expect(changed.body == "bob edited")
            change.isDeleted = true
            change.edited = Date().addingTimeInterval(10)
            guard case .stored(let gone) = try await pipeline.items.receiveChange(change, network: "fake") else {
                Issue.record("bob's delete was not applied")
                return
            }
            #expect(gone.isDeleted && gone.body.isEmpty)
        }
    }

    @Test("deleting a channel cancels its pending deliveries and removes its items", arguments: TestBackend.available)
    func deleteChannel(_ backend: TestBackend) async throws {
        try await withTestStore(backend) { store, _ in
            let scenario = try await Scenario.make(store)
            try await scenario.remote("bob", host: "b.example")
            let pipeline = Self.pipeline(scenario, drivers: [FakeDriver()])
            let post = try await pipeline.items.post(LocalPost(channelID: scenario.channel.id, body: "bye"))
            _ = try await store.deleteChannel(handle: "jane")
            #expect(try await store.read { try await $0.item(id: post.id) } == nil)
            #expect(try await store.read { try await $0.queueSummary(now: Date()) }.isEmpty)
            let reports = try await store.read { try await $0.deliveryReports(itemID: post.id) }
            #expect(reports.map(\.status) == [.cancelled])
            #expect(try await store.read { try await $0.xchan(hash: scenario.channel.xchanHash) }?.isDeleted == true)
        }
    }
}
