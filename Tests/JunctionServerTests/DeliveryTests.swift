import AsyncHTTPClient
import Foundation
import JunctionCore
import JunctionServer
import JunctionStore
import JunctionTesting
import Logging
import NIOCore
import Synchronization
import Testing

/// The notifier and the queue together, on every backend: who gets what, and that it arrives.
@Suite("Notifier and queue", .timeLimit(.minutes(3)))
struct DeliveryTests {
    static let domain = try! HubDomain("hub.example")

    /// A local channel with remote connections on fake hubs.
    struct Scenario {
        let store: any Store
        let channel: JunctionCore.Channel
        let hooks = HookRegistry(logger: Logger(label: "test"))

        static func make(_ store: any Store, role: ChannelRole = .personal) async throws -> Scenario {
            _ = try await store.createAccount(email: "jane@example.com", password: "secret-password")
            let channel = try await store.createChannel(handle: "jane", accountEmail: "jane@example.com", role: role, domain: DeliveryTests.domain)
            return Scenario(store: store, channel: channel)
        }

        /// Adds a remote identity on `host` and, unless `connected` is false, a connection to it.
        @discardableResult
        func remote(_ hash: String, host: String, network: String = "fake", endpoint: String? = nil, connected: Bool = true,
                    permissions: Set<Permission> = ConnectionRole.contact.permissions, pending: Bool = false,
                    blocked: Bool = false) async throws -> XChan {
            let xchan = XChan(hash: hash, address: "\(hash)@\(host)", name: hash, network: network)
            try await store.write { session in
                try await session.upsertXChan(xchan)
                try await session.upsertHubLoc(HubLoc(xchanHash: hash, network: network, host: host,
                                                      endpoint: endpoint ?? "http://\(host)/inbox"))
                if connected {
                    _ = try await session.insertABook(ABook(channelID: channel.id, xchanHash: hash, myPermissions: permissions,
                                                            role: .custom, isPending: pending, isBlocked: blocked))
                }
            }
            return xchan
        }

        func post(_ body: String, isPrivate: Bool = false, allow: [String] = [], deny: [String] = [], parent: String? = nil,
                  owner: String? = nil, origin: String = XChan.localNetwork, copies: [Item.NetworkCopy] = []) async throws -> Item {
            let mid = "https://hub.example/item/\(UUID().uuidString)"
            let item = Item(channelID: channel.id, mid: mid, parentMid: parent, authorXChan: channel.xchanHash,
                            ownerXChan: owner ?? channel.xchanHash, body: body,
                            acl: AccessControlList(allowXChans: allow, denyXChans: deny), isPrivate: isPrivate,
                            originNetwork: origin, isOrigin: origin == XChan.localNetwork, copies: copies)
            return try #require(try await store.write { try await $0.insertItem(item) })
        }

        func notifier(_ drivers: [any Driver], onEnqueue: @escaping @Sendable () -> Void = {}) -> Notifier {
            Notifier(store: store, hooks: hooks, drivers: drivers, logger: Logger(label: "test"), onEnqueue: onEnqueue)
        }

        /// recipient → status of the item's delivery reports.
        func reports(_ item: Item) async throws -> [String: DeliveryReport.Status] {
            let reports = try await store.read { try await $0.deliveryReports(itemID: item.id) }
            return Dictionary(reports.map { ($0.recipient, $0.status) }, uniquingKeysWith: { _, last in last })
        }
    }

    @Test("one delivery per hub, listing that hub's recipients, with a queued report each", arguments: TestBackend.available)
    func fanOut(_ backend: TestBackend) async throws {
        try await withTestStore(backend) { store, _ in
            let scenario = try await Scenario.make(store)
            for (hash, host) in [("a1", "a.example"), ("a2", "a.example"), ("a3", "a.example"), ("b1", "b.example"), ("b2", "b.example"), ("c1", "c.example")] {
                try await scenario.remote(hash, host: host)
            }
            let driver = FakeDriver()
            let item = try await scenario.post("hello")
            let result = try await scenario.notifier([driver]).notify(.post, channelID: scenario.channel.id, itemID: item.id)
            #expect(result.entryIDs.count == 3)
            let grouped = Dictionary(driver.encoded.map { ($0.recipients.first!.prefix(1), Set($0.recipients)) }, uniquingKeysWith: { $0.union($1) })
            #expect(grouped == ["a": ["a1", "a2", "a3"], "b": ["b1", "b2"], "c": ["c1"]])
            #expect(try await scenario.reports(item) == ["a1": .queued, "a2": .queued, "a3": .queued, "b1": .queued, "b2": .queued, "c1": .queued])
            let summary = try await store.read { try await $0.queueSummary(now: Date()) }
            #expect(summary.map(\.destination) == ["a.example", "b.example", "c.example"])
            #expect(summary.map(\.pending) == [1, 1, 1])
        }
    }

    @Test("a kept audience follows every change to the channel's connections, identities and locations", arguments: TestBackend.available)
    func keptAudience(_ backend: TestBackend) async throws {
        try await withTestStore(backend) { store, _ in
            let scenario = try await Scenario.make(store)
            try await scenario.remote("a1", host: "a.example")
            try await scenario.remote("b1", host: "b.example")
            // One notifier for every post, so its kept audience is what is being tested.
            let notifier = scenario.notifier([FakeDriver()])
            func destinations() async throws -> [String: String] {
                let item = try await scenario.post("post")
                try await notifier.notify(.post, channelID: scenario.channel.id, itemID: item.id)
                let reports = try await store.read { try await $0.deliveryReports(itemID: item.id) }
                return Dictionary(reports.filter { $0.status == .queued }.map { ($0.recipient, $0.destination) }, uniquingKeysWith: { first, _ in first })
            }
            #expect(try await destinations() == ["a1": "a.example", "b1": "b.example"])
            #expect(try await destinations() == ["a1": "a.example", "b1": "b.example"])

            // Blocking a connection.
            try await store.write { session in
                var b1 = try #require(try await session.abook(channelID: scenario.channel.id, xchanHash: "b1"))
                b1.isBlocked = true
                try await session.updateABook(b1)
            }
            #expect(try await destinations() == ["a1": "a.example"])

            // A new connection.
            try await scenario.remote("c1", host: "c.example")
            #expect(try await destinations() == ["a1": "a.example", "c1": "c.example"])

            // A connection that moved to another hub.
            try await store.write { session in
                try await session.upsertHubLoc(HubLoc(xchanHash: "a1", network: "fake", host: "a.example", endpoint: "http://a.example/inbox", isDeleted: true))
                try await session.upsertHubLoc(HubLoc(xchanHash: "a1", network: "fake", host: "d.example", endpoint: "http://d.example/inbox"))
            }
            #expect(try await destinations() == ["a1": "d.example", "c1": "c.example"])

            // An identity that was deleted, and a connection that was removed.
            try await store.write { session in
                try await session.upsertXChan(XChan(hash: "c1", address: "c1@c.example", name: "c1", network: "fake", isDeleted: true))
                let a1 = try #require(try await session.abook(channelID: scenario.channel.id, xchanHash: "a1"))
                try await session.deleteABook(id: a1.id)
            }
            #expect(try await destinations() == [:])
        }
    }

    @Test("a backlog to one destination does not hold back the others", arguments: TestBackend.available)
    func backlog(_ backend: TestBackend) async throws {
        try await withTestStore(backend) { store, _ in
            let now = Date()
            func draft(_ host: String) -> QueueEntryDraft {
                QueueEntryDraft(destination: host, endpoint: "http://\(host)/inbox", payload: Data("p".utf8), contentType: "text/plain", recipients: ["r"])
            }
            try await store.write { session in
                _ = try await session.enqueue(Array(repeating: draft("slow.example"), count: 100), network: "fake", channelID: nil, itemID: nil, now: now)
                _ = try await session.enqueue([draft("fast.example")], network: "fake", channelID: nil, itemID: nil, now: now.addingTimeInterval(1))
            }
            let later = now.addingTimeInterval(2)
            func claim(_ owner: String) async throws -> [String] {
                try await store.write {
                    try await $0.claimDueEntries(now: later, limit: 8, owner: owner, leaseUntil: later.addingTimeInterval(60), policy: DeliveryPolicy())
                }.map(\.destination)
            }
            // The first claim fills slow.example's four slots from a window of its entries; the
            // next leaves the full destination out and reaches fast.example behind the backlog.
            #expect(try await claim("a") == Array(repeating: "slow.example", count: 4))
            #expect(try await claim("b") == ["fast.example"])
        }
    }

    /// Who gets an item, by its ACL and the connections' state.
    struct AudienceCase: Sendable, CustomTestStringConvertible {
        let name: String
        let isPrivate: Bool
        let allow: [String]
        let deny: [String]
        let expected: Set<String>
        var testDescription: String { name }
    }

    static let audienceCases: [AudienceCase] = [
        AudienceCase(name: "public: every approved connection allowed to view", isPrivate: false, allow: [], deny: [], expected: ["friend", "follower", "other"]),
        AudienceCase(name: "public with a deny list", isPrivate: false, allow: [], deny: ["other"], expected: ["friend", "follower"]),
        AudienceCase(name: "private to one", isPrivate: true, allow: ["friend"], deny: [], expected: ["friend"]),
        AudienceCase(name: "private to two, one denied", isPrivate: true, allow: ["friend", "other"], deny: ["other"], expected: ["friend"]),
        AudienceCase(name: "private to a stranger the hub knows", isPrivate: true, allow: ["stranger"], deny: [], expected: ["stranger"]),
        AudienceCase(name: "private to someone unknown reaches nobody", isPrivate: true, allow: ["ghost"], deny: [], expected: []),
        AudienceCase(name: "private with an empty list reaches nobody", isPrivate: true, allow: [], deny: [], expected: []),
        AudienceCase(name: "private to a pending and a blocked connection", isPrivate: true, allow: ["pending", "blocked"], deny: [], expected: ["pending", "blocked"]),
    ]

    @Test("a private item reaches its intended recipients and nobody else", arguments: audienceCases)
    func audience(_ c: AudienceCase) async throws {
        try await withTestStore { store, _ in
            let scenario = try await Scenario.make(store)
            try await scenario.remote("friend", host: "f.example")
            try await scenario.remote("follower", host: "f.example", permissions: ConnectionRole.follower.permissions)
            try await scenario.remote("other", host: "o.example")
            try await scenario.remote("pending", host: "p.example", pending: true)
            try await scenario.remote("blocked", host: "p.example", blocked: true)
            try await scenario.remote("stranger", host: "s.example", connected: false)
            let driver = FakeDriver()
            let item = try await scenario.post("secret", isPrivate: c.isPrivate, allow: c.allow, deny: c.deny)
            try await scenario.notifier([driver]).notify(.post, channelID: scenario.channel.id, itemID: item.id)
            #expect(Set(driver.encoded.flatMap(\.recipients)) == c.expected)
            let queued = try await scenario.reports(item).filter { $0.value == .queued }
            #expect(Set(queued.keys) == c.expected)
        }
    }

    @Test("never back to the origin network, never where a copy exists, never where privacy cannot be kept")
    func loopsAndPrivacy() async throws {
        try await withTestStore { store, _ in
            let scenario = try await Scenario.make(store)
            try await scenario.remote("on-fake", host: "f.example")
            try await scenario.remote("on-other", host: "o.example", network: "other")
            try await scenario.remote("on-leaky", host: "l.example", network: "leaky")
            let fake = FakeDriver(), other = FakeDriver(network: "other"), leaky = FakeDriver(network: "leaky", capabilities: [.threading])
            let relayed = try await scenario.post("from fake", origin: "fake")
            try await scenario.notifier([fake, other, leaky]).notify(.post, channelID: scenario.channel.id, itemID: relayed.id)
            var reports = try await scenario.reports(relayed)
            #expect(reports == ["on-fake": .refused, "on-other": .queued, "on-leaky": .queued])

            let copied = try await scenario.post("already on other", copies: [.init(network: "other", remoteID: "x1")])
            try await scenario.notifier([fake, other, leaky]).notify(.post, channelID: scenario.channel.id, itemID: copied.id)
            reports = try await scenario.reports(copied)
            #expect(reports == ["on-fake": .queued, "on-other": .refused, "on-leaky": .queued])

            let secret = try await scenario.post("private", isPrivate: true, allow: ["on-fake", "on-leaky"])
            try await scenario.notifier([fake, other, leaky]).notify(.post, channelID: scenario.channel.id, itemID: secret.id)
            let detailed = try await store.read { try await $0.deliveryReports(itemID: secret.id) }
            #expect(detailed.first { $0.recipient == "on-leaky" }?.status == .refused)
            #expect(detailed.first { $0.recipient == "on-leaky" }?.reason?.contains("cannot keep this item private") == true)
            #expect(leaky.encoded.allSatisfy { $0.mid != secret.mid })

            let unknown = try await scenario.remote("on-mystery", host: "m.example", network: "mystery")
            let item = try await scenario.post("hello")
            try await scenario.notifier([fake]).notify(.post, channelID: scenario.channel.id, itemID: item.id)
            #expect(try await scenario.reports(item)[unknown.hash] == .refused)
        }
    }

    @Test("a comment on someone else's thread goes to the thread's owner only")
    func upstreamComment() async throws {
        try await withTestStore { store, _ in
            let scenario = try await Scenario.make(store)
            try await scenario.remote("owner", host: "o.example")
            try await scenario.remote("friend", host: "f.example")
            let driver = FakeDriver()
            let comment = try await scenario.post("nice", parent: "https://o.example/post/1", owner: "owner")
            try await scenario.notifier([driver]).notify(.post, channelID: scenario.channel.id, itemID: comment.id)
            #expect(Set(driver.encoded.flatMap(\.recipients)) == ["owner"])
        }
    }

    @Test("dead and blocked sites are skipped with a reason; hooks may change recipients")
    func sitesAndHooks() async throws {
        try await withTestStore { store, _ in
            let scenario = try await Scenario.make(store)
            try await scenario.remote("alive", host: "alive.example")
            try await scenario.remote("dead", host: "dead.example")
            try await scenario.remote("blocked", host: "blocked.example")
            try await scenario.remote("dropped", host: "alive.example")
            try await store.write { session in
                try await session.upsertSite(Site(host: "dead.example", isDead: true))
                try await session.upsertSite(Site(host: "blocked.example", isBlocked: true))
            }
            scenario.hooks.register(.notifierProcess, name: "test") { state in
                state.recipients.removeAll { $0.xchan.hash == "dropped" }
            }
            let seenHubs = Mutex<[String]>([])
            scenario.hooks.register(.notifierHub, name: "test") { delivery in
                seenHubs.withLock { $0.append(delivery.host) }
            }
            let item = try await scenario.post("hello")
            try await scenario.notifier([FakeDriver()]).notify(.post, channelID: scenario.channel.id, itemID: item.id)
            let reports = try await store.read { try await $0.deliveryReports(itemID: item.id) }
            #expect(Dictionary(reports.map { ($0.recipient, $0.status) }, uniquingKeysWith: { a, _ in a })
                    == ["alive": .queued, "dead": .refused, "blocked": .refused])
            #expect(reports.first { $0.recipient == "dead" }?.reason == "site dead.example is dead")
            #expect(seenHubs.withLock { $0 } == ["alive.example"])
        }
    }

    @Test("the runner posts signed deliveries to a loopback hub, exactly once", arguments: TestBackend.available)
    func signedDelivery(_ backend: TestBackend) async throws {
        try await withTestStore(backend) { store, _ in
            try await LoopbackSink.run { sink in
                let scenario = try await Scenario.make(store)
                for index in 0..<3 { try await scenario.remote("r\(index)", host: sink.host, endpoint: "\(sink.url)/inbox") }
                let siteKey = try await store.ensureSiteKey()
                let post = PostQueueDriver(client: HTTPClient.shared, siteKey: siteKey, keyID: "https://hub.example", allowPrivateNetwork: true)
                let runner = QueueRunner(store: store, hooks: scenario.hooks, drivers: { ["post": post] }, logger: Logger(label: "test"))
                let item = try await scenario.post("hello, world")
                try await scenario.notifier([FakeDriver()], onEnqueue: runner.signal).notify(.post, channelID: scenario.channel.id, itemID: item.id)
                try await Self.running(runner) {
                    let received = try await sink.waitFor(1)
                    try await Self.waitUntil { try await scenario.reports(item).values.allSatisfy { $0 == .delivered } }
                    #expect(received.count == 1)
                    let request = try #require(received.first)
                    #expect(request.path == "/inbox")
                    let wire = try JSONDecoder().decode(FakeDriver.Wire.self, from: request.body)
                    #expect(wire.mid == item.mid && Set(wire.recipients) == ["r0", "r1", "r2"])
                    let message = HTTPMessageSignature.Message(method: request.method, scheme: "http", authority: sink.host,
                                                               path: request.path, query: request.query, headers: request.headers)
                    let verified = try await HTTPMessageSignature.verify(message, requiredComponents: HTTPMessageSignature.deliveryComponents,
                                                                         publicKey: { $0 == "https://hub.example" ? siteKey.publicKey : nil })
                    #expect(verified.keyID == "https://hub.example")
                    let digest = try #require(request.headers.first { $0.name.lowercased() == "content-digest" }?.value)
                    #expect(HTTPMessageSignature.contentDigestMatches(digest, body: request.body))
                }
                try await Task.sleep(for: .milliseconds(200))
                #expect(sink.received.count == 1)
                #expect(try await store.read { try await $0.queueSummary(now: Date()) }.isEmpty)
                #expect(try await store.read { try await $0.site(host: sink.host) }?.lastSuccess != nil)
            }
        }
    }

    @Test("HTTP answers map to outcomes: 503 with Retry-After retries, 404, 410 and redirects refuse")
    func httpOutcomes() async throws {
        let client = HTTPClient(configuration: HTTPFetcher.clientConfiguration)
        try await LoopbackSink.run { sink in
            let post = PostQueueDriver(client: client, siteKey: SigningKey(), keyID: "k", allowPrivateNetwork: true)
            let entry = QueueEntry(id: 1, driver: "post", network: "fake", destination: sink.host, endpoint: "\(sink.url)/inbox",
                                   payload: Data("{}".utf8), contentType: "application/json", channelID: nil, itemID: nil,
                                   recipients: [], priority: 0, state: .pending, attempts: 1, created: Date(), nextAttempt: Date(), lastError: nil)
            sink.script([.init(status: 503, headers: ["Retry-After": "120"]), .init(status: 404), .init(status: 410), .init(status: 429),
                         .init(status: 302, headers: ["Location": "http://10.0.0.1/inbox"]), .init(status: 200)])
            #expect(await post.deliver(entry) == .retry("HTTP 503", after: 120))
            #expect(await post.deliver(entry) == .refused("HTTP 404"))
            #expect(await post.deliver(entry) == .refused("HTTP 410"))
            #expect(await post.deliver(entry) == .retry("HTTP 429", after: nil))
            #expect(await post.deliver(entry) == .refused("HTTP 302"), "a redirect is not followed past the outbound guard")
            #expect(await post.deliver(entry) == .delivered)
            let guarded = PostQueueDriver(client: client, siteKey: SigningKey(), keyID: "k", allowPrivateNetwork: false)
            for endpoint in [entry.endpoint, "http://localhost:\(sink.port)/inbox"] {
                var named = entry
                named.endpoint = endpoint
                guard case .refused(let reason) = await guarded.deliver(named) else {
                    Issue.record("\(endpoint) must be refused without --allow-private-network")
                    continue
                }
                #expect(reason.contains("private"))
            }
            #expect(sink.received.count == 6)
        }
        let closed = PostQueueDriver(client: HTTPClient.shared, siteKey: SigningKey(), keyID: "k", allowPrivateNetwork: true, timeout: .seconds(2))
        let port = try freeLoopbackPort()
        let entry = QueueEntry(id: 1, driver: "post", network: "fake", destination: "127.0.0.1:\(port)", endpoint: "http://127.0.0.1:\(port)/inbox",
                               payload: Data(), contentType: "application/json", channelID: nil, itemID: nil, recipients: [], priority: 0,
                               state: .pending, attempts: 1, created: Date(), nextAttempt: Date(), lastError: nil)
        let outcome = await closed.deliver(entry)
        if case .retry = outcome {} else { Issue.record("a refused connection must be retried, not \(outcome)") }
        try await client.shutdown()
    }

    @Test("while a destination fails one probe goes and the rest wait; its success releases them", arguments: TestBackend.available)
    func probe(_ backend: TestBackend) async throws {
        try await withTestStore(backend) { store, _ in
            let scenario = try await Scenario.make(store)
            var configuration = QueueRunner.Configuration()
            configuration.policy.initialDelay = 0.05
            configuration.policy.jitter = 0
            // The first wave takes every entry, so every later attempt is a retry.
            configuration.policy.perDestinationConcurrency = 6
            configuration.idlePoll = .milliseconds(20)
            let driver = ConcurrencyRecordingDriver(failingAttempts: 6 + 3)
            let runner = QueueRunner(store: store, hooks: scenario.hooks, drivers: { ["post": driver] }, configuration: configuration,
                                     logger: Logger(label: "test"))
            let drafts = (0..<6).map { QueueEntryDraft(destination: "down.example", endpoint: "http://down.example/inbox",
                                                       payload: Data("\($0)".utf8), contentType: "text/plain", recipients: ["r\($0)"]) }
            try await store.write { _ = try await $0.enqueue(drafts, network: "fake", channelID: scenario.channel.id, itemID: nil, now: Date()) }
            try await Self.running(runner) {
                try await Self.waitUntil(timeout: .seconds(20)) { driver.delivered.count == 6 }
            }
            // Six first attempts fail together; then one probe at a time (three fail, the fourth
            // gets through) and its success releases the other five.
            #expect(driver.probes == 3)
            #expect(driver.maximumProbesInFlight == 1)
            #expect(driver.attempts == 6 + 3 + 1 + 5)
            #expect(Set(driver.delivered) == Set((0..<6).map { "\($0)" }))
            let site = try await store.read { try await $0.site(host: "down.example") }
            #expect(site?.failureStreak == 0 && site?.lastFailure != nil)
        }
    }

    @Test("past the window an entry is dead-lettered and kept; a retry sends it", arguments: TestBackend.available)
    func deadLetterAndResend(_ backend: TestBackend) async throws {
        try await withTestStore(backend) { store, _ in
            let scenario = try await Scenario.make(store)
            var configuration = QueueRunner.Configuration()
            configuration.policy.initialDelay = 0.05
            configuration.policy.retryWindow = 0.3
            // Short enough that an attempt whose outcome a loaded database failed to record is
            // claimed again within the waits below; long enough that none is claimed twice.
            configuration.policy.lease = 20
            configuration.idlePoll = .milliseconds(20)
            let driver = FakeQueueDriver(script: Array(repeating: .retry("HTTP 503", after: nil), count: 100))
            let runner = QueueRunner(store: store, hooks: scenario.hooks, drivers: { ["post": driver] }, configuration: configuration,
                                     logger: Logger(label: "test"))
            let item = try await scenario.post("doomed")
            let draft = QueueEntryDraft(destination: "gone.example", endpoint: "http://gone.example/inbox", payload: Data(),
                                        contentType: "text/plain", recipients: ["r"])
            let id = try await store.write { try await $0.enqueue([draft], network: "fake", channelID: scenario.channel.id, itemID: item.id, now: Date()) }.first!
            try await Self.running(runner) {
                try await Self.waitUntil(timeout: .seconds(60)) { try await store.read { try await $0.queueEntry(id: id) }?.state == .deadLetter }
            }
            let reports = try await store.read { try await $0.deliveryReports(itemID: item.id) }
            #expect(reports.first?.status == .deadLetter && reports.first?.reason?.contains("HTTP 503") == true)
            #expect(try await store.read { try await $0.queueSummary(now: Date()) }.first?.deadLetters == 1)

            let resend = FakeQueueDriver()
            let second = QueueRunner(store: store, hooks: scenario.hooks, drivers: { ["post": resend] }, configuration: configuration,
                                     logger: Logger(label: "test"))
            #expect(try await store.write { try await $0.requeueEntries(.entry(id), now: Date()) } == 1)
            try await Self.running(second) {
                try await Self.waitUntil(timeout: .seconds(60)) { try await store.read { try await $0.deliveryReports(itemID: item.id) }.first?.status == .delivered }
            }
            #expect(resend.seen.count == 1)
        }
    }

    @Test("deleting an item, deleting a channel or blocking a site cancels its pending entries", arguments: TestBackend.available)
    func cancellation(_ backend: TestBackend) async throws {
        try await withTestStore(backend) { store, _ in
            let scenario = try await Scenario.make(store)
            let item = try await scenario.post("soon gone")
            func draft(_ host: String) -> QueueEntryDraft {
                QueueEntryDraft(destination: host, endpoint: "http://\(host)/inbox", payload: Data(), contentType: "text/plain", recipients: ["r-\(host)"])
            }
            try await store.write { session in
                try await session.enqueue([draft("a.example"), draft("b.example")], network: "fake", channelID: scenario.channel.id, itemID: item.id, now: Date())
                try await session.enqueue([draft("c.example")], network: "fake", channelID: scenario.channel.id, itemID: nil, now: Date())
                try await session.enqueue([draft("c.example")], network: "fake", channelID: nil, itemID: nil, now: Date())
            }
            #expect(try await store.write { try await $0.cancelEntries(.item(item.id), reason: "item deleted", now: Date()) } == 2)
            #expect(Set(try await scenario.reports(item).values) == [.cancelled])
            #expect(try await store.write { try await $0.cancelEntries(.channel(scenario.channel.id), reason: "channel deleted", now: Date()) } == 1)
            #expect(try await store.write { try await $0.cancelEntries(.destination("c.example"), reason: "site blocked", now: Date()) } == 1)
            #expect(try await store.read { try await $0.queueSummary(now: Date()) }.isEmpty)
        }
    }

    @Test("an expired lease makes an entry due again: a crashed worker loses nothing", arguments: TestBackend.available)
    func leases(_ backend: TestBackend) async throws {
        try await withTestStore(backend) { store, _ in
            let draft = QueueEntryDraft(destination: "x.example", endpoint: "http://x.example/inbox", payload: Data("p".utf8),
                                        contentType: "text/plain", recipients: ["r"])
            try await store.write { _ = try await $0.enqueue([draft], network: "fake", channelID: nil, itemID: nil, now: Date()) }
            let now = Date()
            let first = try await store.write { try await $0.claimDueEntries(now: now, limit: 10, owner: "a", leaseUntil: now.addingTimeInterval(60), policy: DeliveryPolicy()) }
            #expect(first.count == 1 && first.first?.attempts == 1 && first.first?.payload == Data("p".utf8))
            let meanwhile = try await store.write { try await $0.claimDueEntries(now: now.addingTimeInterval(30), limit: 10, owner: "b", leaseUntil: now.addingTimeInterval(90), policy: DeliveryPolicy()) }
            #expect(meanwhile.isEmpty)
            let later = try await store.write { try await $0.claimDueEntries(now: now.addingTimeInterval(61), limit: 10, owner: "b", leaseUntil: now.addingTimeInterval(120), policy: DeliveryPolicy()) }
            #expect(later.map(\.id) == first.map(\.id) && later.first?.attempts == 2)
            // A runner that stops before attempting what it claimed gives it back, uncounted.
            try await store.write { try await $0.returnEntries(ids: later.map(\.id), owner: "b") }
            let again = try await store.write { try await $0.claimDueEntries(now: now.addingTimeInterval(62), limit: 10, owner: "c", leaseUntil: now.addingTimeInterval(120), policy: DeliveryPolicy()) }
            #expect(again.map(\.id) == first.map(\.id) && again.first?.attempts == 2)
        }
    }

    /// Runs `runner` while `body` runs, then stops it.
    static func running(_ runner: QueueRunner, _ body: () async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await runner.run() }
            defer { group.cancelAll() }
            try await body()
        }
    }

    static func waitUntil(timeout: Duration = .seconds(30), _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("condition not met within \(timeout)")
    }
}

/// Answers 503 to the first `failingAttempts` attempts, then delivers; records how many retry
/// attempts (probes) were in flight at once while the destination was failing.
final class ConcurrencyRecordingDriver: QueueDriver {
    private struct State {
        var attempts = 0
        var probesInFlight = 0
        var maxProbesInFlight = 0
        var probes = 0
        var delivered: [String] = []
    }

    private let state = Mutex(State())
    private let failingAttempts: Int

    init(failingAttempts: Int) { self.failingAttempts = failingAttempts }

    func deliver(_ entry: QueueEntry) async -> DeliveryOutcome {
        // An entry on its second or later attempt can only run once the destination is known to fail.
        let isRetry = entry.attempts >= 2
        let down = state.withLock { state -> Bool in
            state.attempts += 1
            let down = state.attempts <= failingAttempts
            if down && isRetry {
                state.probes += 1
                state.probesInFlight += 1
                state.maxProbesInFlight = max(state.maxProbesInFlight, state.probesInFlight)
            }
            return down
        }
        try? await Task.sleep(for: .milliseconds(30))
        return state.withLock { state in
            if down {
                if isRetry { state.probesInFlight -= 1 }
                return .retry("HTTP 503", after: nil)
            }
            state.delivered.append(String(decoding: entry.payload, as: UTF8.self))
            return .delivered
        }
    }

    var maximumProbesInFlight: Int { state.withLock { $0.maxProbesInFlight } }
    var probes: Int { state.withLock { $0.probes } }
    var attempts: Int { state.withLock { $0.attempts } }
    var delivered: [String] { state.withLock { $0.delivered } }
}
