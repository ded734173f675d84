public import Foundation
public import Logging
import Metrics
public import ServiceLifecycle
import Synchronization

/// The queue's workers: claim due entries with a lease, hand each to its queue driver, record
/// the typed outcome, keep each destination's health, and release or hold its other entries.
///
/// Runs as a service for the hub's lifetime; on graceful shutdown it stops claiming and lets
/// deliveries in flight finish. Entries of a crashed process become due again when their
/// lease expires.
public final class QueueRunner: Service, Sendable {
    public struct Configuration: Sendable {
        /// Deliveries in flight at once, over all destinations.
        public var workers = 16
        /// How long to sleep when nothing is due (new work wakes the runner at once).
        public var idlePoll: Duration = .milliseconds(500)
        public var policy = DeliveryPolicy()
        public init() {}
    }

    private let store: any Store
    private let hooks: HookRegistry
    private let drivers: @Sendable () -> [String: any QueueDriver]
    private let configuration: Configuration
    private let logger: Logger
    // Not ProcessInfo.hostName: it resolves the name through DNS and can stall start-up for seconds.
    private let owner = "\(getpid()):\(UUID().uuidString.prefix(8))"
    private let wake: WakeSignal
    private let state = Mutex(State())

    /// Deliveries in flight, and finished attempts waiting to be recorded.
    private struct State {
        var inFlight = 0
        var finished: [Attempt] = []
        /// True while one task records finished attempts for all.
        var recording = false
    }

    /// One finished attempt, before it is recorded.
    private struct Attempt {
        var entry: QueueEntry
        var outcome: DeliveryOutcome
        var decision: DeliveryPolicy.Decision
        var ended: Date
        var elapsed: Duration
    }

    public init(store: any Store, hooks: HookRegistry, drivers: @escaping @Sendable () -> [String: any QueueDriver],
                configuration: Configuration = .init(), wake: WakeSignal = WakeSignal(), logger: Logger) {
        self.wake = wake
        self.store = store
        self.hooks = hooks
        self.drivers = drivers
        self.configuration = configuration
        self.logger = logger
    }

    /// Tells the runner new work is due (called after enqueueing in this process).
    public func signal() { wake.signal() }

    public func run() async throws {
        try await withThrowingDiscardingTaskGroup { group in
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                let free = configuration.workers - state.withLock { $0.inFlight }
                var claimed: [QueueEntry] = []
                if free > 0 {
                    do {
                        claimed = try await claim(limit: free)
                    } catch is CancellationError {
                        break
                    } catch {
                        logger.error("claiming queue entries failed", metadata: ["error": "\(String(reflecting: error))"])
                    }
                }
                state.withLock { $0.inFlight += claimed.count }
                for entry in claimed {
                    group.addTask { await self.finish(await self.attempt(entry)) }
                }
                if claimed.isEmpty {
                    // Sleep until new work, recorded deliveries, or the poll interval.
                    await wake.wait(timeout: configuration.idlePoll)
                }
            }
        }
    }

    private func claim(limit: Int) async throws -> [QueueEntry] {
        let now = Date()
        let policy = configuration.policy
        return try await store.write { session in
            try await session.claimDueEntries(now: now, limit: limit, owner: owner,
                                              leaseUntil: now.addingTimeInterval(policy.lease),
                                              concurrency: { policy.concurrency(for: $0, now: now) })
        }
    }

    /// One delivery attempt and its decision.
    private func attempt(_ entry: QueueEntry) async -> Attempt {
        let started = ContinuousClock.now
        let outcome: DeliveryOutcome
        if let driver = drivers()[entry.driver] {
            outcome = await driver.deliver(entry)
        } else {
            outcome = .refused("no queue driver '\(entry.driver)' is installed")
        }
        let elapsed = ContinuousClock.now - started
        let now = Date()
        let decision = configuration.policy.decide(outcome, created: entry.created, attempts: entry.attempts, now: now,
                                                   random: Double.random(in: 0..<1))
        return Attempt(entry: entry, outcome: outcome, decision: decision, ended: now, elapsed: elapsed)
    }

    /// Queues `attempt` for recording. Attempts are recorded in batches, one transaction each:
    /// the first to finish records, and whatever finishes meanwhile goes in its next batch.
    private func finish(_ attempt: Attempt) async {
        let records = state.withLock { state in
            state.finished.append(attempt)
            if state.recording { return false }
            state.recording = true
            return true
        }
        guard records else { return }
        while true {
            let batch = state.withLock { state in
                let batch = state.finished
                state.finished = []
                if batch.isEmpty { state.recording = false }
                return batch
            }
            if batch.isEmpty { return }
            await record(batch)
            state.withLock { $0.inFlight -= batch.count }
            signal()
            for attempt in batch {
                _ = await hooks.run(.queueDeliver, QueueDelivery(entry: attempt.entry, outcome: attempt.outcome))
            }
        }
    }

    /// Records finished attempts in one transaction: each destination's health (written only
    /// when it changed), the entries and their reports, and the release or hold of the entries
    /// waiting for a destination, in the order the attempts ended.
    private func record(_ batch: [Attempt]) async {
        let policy = configuration.policy
        do {
            try await store.write { session in
                let recorded = Dictionary(try await session.sites(hosts: Array(Set(batch.map(\.entry.destination)))).map { ($0.host, $0) },
                                          uniquingKeysWith: { first, _ in first })
                var sites = recorded
                var done: [(entry: QueueEntry, decision: DeliveryPolicy.Decision)] = []
                for attempt in batch {
                    let entry = attempt.entry
                    let before = sites[entry.destination] ?? Site(host: entry.destination, network: entry.network, updated: attempt.ended)
                    sites[entry.destination] = policy.site(before, after: attempt.outcome, now: attempt.ended)
                    switch attempt.decision {
                    case .delivered, .refused:
                        // Gone from the queue once recorded; it holds its lease until then.
                        done.append((entry, attempt.decision))
                    case .retry, .deadLetter:
                        try await session.finishEntries([(entry, attempt.decision)], now: attempt.ended)
                    }
                    if attempt.outcome.destinationAnswered, before.failureStreak > 0 {
                        // The probe got through: everything held back goes now.
                        try await session.releaseEntries(destination: entry.destination, at: attempt.ended)
                    } else if case .retry(let at, _) = attempt.decision {
                        // While the destination fails, the rest wait for this entry, the next probe.
                        try await session.holdEntries(destination: entry.destination, until: at, except: entry.id)
                    }
                }
                try await session.finishEntries(done, now: Date())
                for site in sites.values where policy.mustRecord(site, over: recorded[site.host]) {
                    try await session.upsertSite(site)
                }
            }
        } catch is CancellationError {
            // Stopped mid-way (not a graceful shutdown): the leases run out and the entries are tried again.
            logger.debug("recording deliveries was cancelled", metadata: ["queue.entries": "\(batch.map(\.entry.id))"])
        } catch {
            // The leases run out and the entries are tried again: nothing is lost.
            logger.error("recording deliveries failed", metadata: ["queue.entries": "\(batch.map(\.entry.id))",
                                                                   "error": "\(String(reflecting: error))"])
        }
        for attempt in batch {
            measure(attempt)
        }
    }

    private func measure(_ attempt: Attempt) {
        let (entry, outcome, elapsed) = (attempt.entry, attempt.outcome, attempt.elapsed)
        let result = switch attempt.decision {
        case .delivered: "delivered"
        case .refused: "refused"
        case .retry: "retry"
        case .deadLetter: "dead_letter"
        }
        Counter(label: "junction_deliveries_total", dimensions: [("network", entry.network), ("result", result)]).increment()
        Timer(label: "junction_delivery_duration_seconds", dimensions: [("network", entry.network)], preferredDisplayUnit: .seconds)
            .recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
        if case .delivered = attempt.decision {} else {
            logger.info("delivery not completed", metadata: [
                "queue.entry": "\(entry.id)", "queue.destination": "\(entry.destination)",
                "queue.attempts": "\(entry.attempts)", "queue.outcome": "\(outcome)",
            ])
        }
    }
}
