import Foundation
@testable import JunctionCore
import JunctionStore
import JunctionTesting
import Logging
import Synchronization
import Testing

/// Fresh entries handed from the notifier to this process's runner: written leased to it in the
/// notifier's transaction, passed over only once that commits, within the runner's room and each
/// destination's limit, never to a failing destination.
@Suite("Queue hand-off", .timeLimit(.minutes(2)))
struct QueueHandoffTests {
    typealias Scenario = DeliveryTests.Scenario

    /// A scenario with one connection on each of `hosts`.
    static func scenario(_ store: any Store, hosts: [String]) async throws -> Scenario {
        let scenario = try await Scenario.make(store)
        for (index, host) in hosts.enumerated() { try await scenario.remote("r\(index)", host: host) }
        return scenario
    }

    static func notifier(_ scenario: Scenario, handoff: QueueHandoff) -> Notifier {
        Notifier(store: scenario.store, hooks: scenario.hooks, drivers: [FakeDriver()], logger: Logger(label: "test"), handoff: handoff)
    }

    /// A runner of one worker sending through `driver`, with the notifier that hands it entries.
    static func oneWorker(_ scenario: Scenario, driver: FakeQueueDriver) -> (QueueRunner, QueueHandoff, Notifier) {
        let wake = WakeSignal()
        let handoff = QueueHandoff(wake: wake)
        var configuration = QueueRunner.Configuration()
        configuration.workers = 1
        let runner = QueueRunner(store: scenario.store, hooks: scenario.hooks, drivers: { ["post": driver] }, configuration: configuration,
                                 wake: wake, handoff: handoff, logger: Logger(label: "test"))
        let notifier = Notifier(store: scenario.store, hooks: scenario.hooks, drivers: [FakeDriver()], logger: Logger(label: "test"),
                                handoff: handoff, onEnqueue: runner.signal)
        return (runner, handoff, notifier)
    }

    /// Posts `body` and runs the notifier in the same transaction, as the item pipeline does.
    static func post(_ body: String, _ scenario: Scenario, notifier: Notifier,
                     beforeCommit: @Sendable () -> Void = {}) async throws -> Notifier.Result {
        let item = try await scenario.post(body)
        return try await scenario.store.write { session in
            let result = try await notifier.notify(.post, channelID: scenario.channel.id, itemID: item.id, in: session, now: Date())
            beforeCommit()
            return result
        }
    }

    static func claimable(_ store: any Store) async throws -> [String] {
        let now = Date()
        return try await store.write {
            try await $0.claimDueEntries(now: now, limit: 100, owner: "someone else", leaseUntil: now.addingTimeInterval(60), policy: DeliveryPolicy())
        }.map(\.destination).sorted()
    }

    @Test("entries reach the runner leased to it once their transaction commits; a failing destination's wait for a claim", arguments: TestBackend.available)
    func handedOnCommit(_ backend: TestBackend) async throws {
        try await withTestStore(backend) { store, _ in
            let scenario = try await Self.scenario(store, hosts: ["a.example", "b.example", "c.example", "down.example"])
            try await store.write { try await $0.upsertSite(Site(host: "down.example", lastFailure: Date(), firstFailure: Date(), failureStreak: 1)) }
            let handoff = QueueHandoff(wake: WakeSignal())
            handoff.open(owner: "runner", lease: 60, perDestination: 4, held: { [:] })
            #expect(handoff.collect(free: 10, bytes: .max).isEmpty)
            let notifier = Self.notifier(scenario, handoff: handoff)
            let result = try await Self.post("hello", scenario, notifier: notifier) {
                #expect(handoff.collect(free: 10, bytes: .max).isEmpty, "nothing arrives before the transaction commits")
            }
            #expect(result.entryIDs.count == 4)
            let arrived = handoff.collect(free: 10, bytes: .max).map(\.entry)
            #expect(arrived.map(\.destination).sorted() == ["a.example", "b.example", "c.example"])
            #expect(Set(arrived.map(\.id)).isSubset(of: Set(result.entryIDs)))
            #expect(arrived.allSatisfy { $0.attempts == 1 && $0.recipients.count == 1 && !$0.payload.isEmpty })
            // They are leased to the runner; only the failing destination's entry is left to claim.
            #expect(try await Self.claimable(store) == ["down.example"])
            for entry in arrived {
                #expect(try await store.read { try await $0.queueEntry(id: entry.id) }?.attempts == 1)
            }
        }
    }

    @Test("a transaction that rolls back hands nothing over and leaves nothing queued", arguments: TestBackend.available)
    func rollback(_ backend: TestBackend) async throws {
        try await withTestStore(backend) { store, _ in
            let scenario = try await Self.scenario(store, hosts: ["a.example", "b.example"])
            let handoff = QueueHandoff(wake: WakeSignal())
            handoff.open(owner: "runner", lease: 60, perDestination: 4, held: { [:] })
            _ = handoff.collect(free: 10, bytes: .max)
            let notifier = Self.notifier(scenario, handoff: handoff)
            let item = try await scenario.post("never sent")
            struct Abort: Error {}
            await #expect(throws: Abort.self) {
                try await store.write { session in
                    _ = try await notifier.notify(.post, channelID: scenario.channel.id, itemID: item.id, in: session, now: Date())
                    throw Abort()
                }
            }
            #expect(handoff.collect(free: 10, bytes: .max).isEmpty)
            #expect(try await store.read { try await $0.queueSummary(now: Date()) }.isEmpty)
        }
    }

    @Test("only as many as the runner has room for, and never past a destination's limit", arguments: TestBackend.available)
    func room(_ backend: TestBackend) async throws {
        try await withTestStore(backend) { store, _ in
            let scenario = try await Self.scenario(store, hosts: ["a.example", "b.example", "c.example", "busy.example"])
            // busy.example has its four deliveries in flight already: with this runner, and in the
            // database (so that claims pass it by).
            let busy = QueueEntryDraft(destination: "busy.example", endpoint: "http://busy.example/inbox", payload: Data("x".utf8),
                                       contentType: "text/plain", recipients: ["x"])
            let now = Date()
            try await store.write { _ = try await $0.enqueue(Array(repeating: busy, count: 4), network: "fake", channelID: nil, itemID: nil, now: now) }
            let inFlight = try await store.write {
                try await $0.claimDueEntries(now: now, limit: 4, owner: "other", leaseUntil: now.addingTimeInterval(60), policy: DeliveryPolicy())
            }
            #expect(inFlight.count == 4)
            let handoff = QueueHandoff(wake: WakeSignal())
            handoff.open(owner: "runner", lease: 60, perDestination: 4, held: { ["busy.example": 4] })
            _ = handoff.collect(free: 2, bytes: .max)
            _ = try await Self.post("hello", scenario, notifier: Self.notifier(scenario, handoff: handoff))
            let arrived = handoff.collect(free: 0, bytes: .max).map(\.entry.destination)
            #expect(arrived.count == 2 && !arrived.contains("busy.example"))
            // The rest wait for a claim: the healthy hub that did not fit (busy.example is full).
            #expect(try await Self.claimable(store).count == 1)
            // No room, no hand-off: everything is left to claims.
            _ = try await Self.post("again", scenario, notifier: Self.notifier(scenario, handoff: handoff))
            #expect(handoff.collect(free: 0, bytes: .max).isEmpty)
        }
    }

    @Test("only as many as fit in the bytes the runner has free", arguments: TestBackend.available)
    func roomInBytes(_ backend: TestBackend) async throws {
        try await withTestStore(backend) { store, _ in
            let scenario = try await Self.scenario(store, hosts: ["a.example", "b.example", "c.example"])
            let handoff = QueueHandoff(wake: WakeSignal())
            handoff.open(owner: "runner", lease: 60, perDestination: 4, held: { [:] })
            _ = handoff.collect(free: 10, bytes: .max)
            let notifier = Self.notifier(scenario, handoff: handoff)
            _ = try await Self.post("first", scenario, notifier: notifier)
            let first = handoff.collect(free: 10, bytes: .max).map(\.entry)
            #expect(first.count == 3)
            // Room for one entry's payload and recipients, and a byte more: one of the next three.
            let size = try #require(first.map(\.size).max())
            _ = handoff.collect(free: 10, bytes: size + 1)
            _ = try await Self.post("again", scenario, notifier: notifier)
            #expect(handoff.collect(free: 10, bytes: .max).count == 1)
            #expect(try await Self.claimable(store).count == 2)
        }
    }

    @Test("entries handed over and not yet collected count against their destination's cap", arguments: TestBackend.available)
    func uncollectedCount(_ backend: TestBackend) async throws {
        try await withTestStore(backend) { store, _ in
            let scenario = try await Self.scenario(store, hosts: ["a.example"])
            let handoff = QueueHandoff(wake: WakeSignal())
            handoff.open(owner: "runner", lease: 60, perDestination: 1, held: { [:] })
            _ = handoff.collect(free: 10, bytes: .max)
            let notifier = Self.notifier(scenario, handoff: handoff)
            // Two posts before the runner collects anything: the second finds the first's entry
            // on its way to the runner, and a.example already at its cap of one.
            _ = try await Self.post("first", scenario, notifier: notifier)
            _ = try await Self.post("second", scenario, notifier: notifier)
            #expect(handoff.collect(free: 10, bytes: .max).count == 1)
            #expect(try await Self.claimable(store) == ["a.example"])
        }
    }

    @Test("a running runner sends what the notifier hands it, each entry once", arguments: TestBackend.available)
    func runnerSends(_ backend: TestBackend) async throws {
        try await withTestStore(backend) { store, _ in
            // Four more hubs than the room one worker has.
            let hosts = (0..<QueueRunner.handoffAhead.lowerBound + 4).map { "h\($0).example" }
            let scenario = try await Self.scenario(store, hosts: hosts)
            let driver = FakeQueueDriver(delay: .milliseconds(5))
            let (runner, handoff, notifier) = Self.oneWorker(scenario, driver: driver)
            try await DeliveryTests.running(runner) {
                // Room opens once the runner runs: `handoffAhead.lowerBound` entries for one worker. (What this
                // takes, the runner's next round gives back.)
                try await DeliveryTests.waitUntil { handoff.reserve(1, bytes: 1) != nil }
                let item = try await scenario.post("to all the hubs")
                // Counted before the commit, so that no claim of the runner's can come first:
                // entries written leased to it carry their first attempt, the rest none.
                let unleased = try await store.write { session in
                    let result = try await notifier.notify(.post, channelID: scenario.channel.id, itemID: item.id, in: session, now: Date())
                    var unleased = 0
                    for id in result.entryIDs where try await session.queueEntry(id: id)?.attempts == 0 { unleased += 1 }
                    return unleased
                }
                // All but four or five went to the runner; the rest are left for a claim.
                #expect((4...5).contains(unleased), "\(unleased) of \(hosts.count) were not handed over")
                notifier.wakeQueue()
                try await DeliveryTests.waitUntil(timeout: .seconds(60)) { driver.seen.count >= hosts.count }
                try await DeliveryTests.waitUntil { try await store.read { try await $0.queueSummary(now: Date()) }.isEmpty }
            }
            #expect(driver.seen.map(\.destination).sorted() == hosts.sorted())
            // The handed-over ones are leased for two minutes: had the runner not taken them, they
            // would not be sent before the wait above gave up. Each went once, as its first attempt.
            #expect(driver.seen.allSatisfy { $0.attempts == 1 })
        }
    }

    @Test("entries claimed from the queue are sent beside a burst of hand-overs, not after it", arguments: TestBackend.available)
    func claimsBesideHandoffs(_ backend: TestBackend) async throws {
        try await withTestStore(backend) { store, _ in
            let hosts = (0..<QueueRunner.handoffAhead.lowerBound).map { "h\($0).example" }
            let scenario = try await Self.scenario(store, hosts: hosts)
            let driver = FakeQueueDriver(delay: .milliseconds(50))
            let (runner, handoff, notifier) = Self.oneWorker(scenario, driver: driver)
            try await DeliveryTests.running(runner) {
                try await DeliveryTests.waitUntil { handoff.reserve(1, bytes: 1) != nil }
                _ = try await Self.post("to all the hubs", scenario, notifier: notifier)
                try await DeliveryTests.waitUntil { driver.seen.count >= 1 }
                // Queued by another process while the burst is sent (3 s of it): only a claim finds it.
                let late = QueueEntryDraft(destination: "late.example", endpoint: "http://late.example/inbox", payload: Data("x".utf8),
                                           contentType: "text/plain", recipients: ["x"])
                try await store.write { _ = try await $0.enqueue([late], network: "fake", channelID: nil, itemID: nil, now: Date()) }
                try await DeliveryTests.waitUntil(timeout: .seconds(60)) { driver.seen.count >= hosts.count + 1 }
            }
            let order = driver.seen.map(\.destination)
            let position = try #require(order.firstIndex(of: "late.example"))
            #expect(position < hosts.count - 16, "sent as delivery \(position + 1) of \(order.count)")
        }
    }

    @Test("however entries reach it, the runner sends no more at once to a destination than its limit", arguments: TestBackend.available)
    func perDestinationLimit(_ backend: TestBackend) async throws {
        try await withTestStore(backend) { store, _ in
            let scenario = try await Scenario.make(store)
            let wake = WakeSignal()
            let handoff = QueueHandoff(wake: wake)
            let driver = DestinationConcurrencyDriver()
            var configuration = QueueRunner.Configuration()
            configuration.workers = 8
            configuration.policy.perDestinationConcurrency = 2
            let runner = QueueRunner(store: store, hooks: scenario.hooks, drivers: { ["post": driver] }, configuration: configuration,
                                     wake: wake, handoff: handoff, logger: Logger(label: "test"))
            try await DeliveryTests.running(runner) {
                try await DeliveryTests.waitUntil { handoff.reserve(1, bytes: 1) != nil }
                // Six entries for one destination handed over at once, as a claim and a hand-off
                // racing each other might lease them.
                let reservation = try #require(handoff.reserve(6, bytes: 18))
                #expect(reservation.count == 6)
                let drafts = (0..<6).map { QueueEntryDraft(destination: "one.example", endpoint: "http://one.example/inbox",
                                                           payload: Data("\($0)".utf8), contentType: "text/plain", recipients: ["r\($0)"]) }
                let now = Date()
                let ids = try await store.write {
                    try await $0.enqueue(drafts, network: "fake", channelID: nil, itemID: nil, now: now, lease: reservation.lease)
                }
                handoff.deliver(zip(ids, drafts).map { id, draft in
                    draft.entry(id: id, network: "fake", channelID: nil, itemID: nil, attempts: 1, created: now)
                }, reservation: reservation)
                try await DeliveryTests.waitUntil { driver.delivered == 6 }
            }
            #expect(driver.maximumInFlight == 2)
        }
    }
}

/// Delivers after a pause, recording how many deliveries were under way at once.
final class DestinationConcurrencyDriver: QueueDriver {
    private let state = Mutex((inFlight: 0, maximum: 0, delivered: 0))

    func deliver(_ entry: QueueEntry) async -> DeliveryOutcome {
        state.withLock { state in
            state.inFlight += 1
            state.maximum = max(state.maximum, state.inFlight)
        }
        try? await Task.sleep(for: .milliseconds(30))
        state.withLock { state in
            state.inFlight -= 1
            state.delivered += 1
        }
        return .delivered
    }

    var maximumInFlight: Int { state.withLock { $0.maximum } }
    var delivered: Int { state.withLock { $0.delivered } }
}
