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
        /// How long to sleep when nothing is due. New work queued in this process wakes the
        /// runner at once; work queued by another process (`junction post`) is seen within it.
        public var idlePoll: Duration = .milliseconds(200)
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
    private let inFlight = Mutex(0)

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
                let free = configuration.workers - inFlight.withLock { $0 }
                var claimed: [QueueEntry] = []
                if free > 0 {
                    do {
                        claimed = try await claim(limit: free)
                    } catch is CancellationError {
                        break
                    } catch {
                        logger.error("claiming queue entries failed", metadata: ["error": "\(error)"])
                    }
                }
                for entry in claimed {
                    inFlight.withLock { $0 += 1 }
                    group.addTask {
                        await self.attempt(entry)
                        self.inFlight.withLock { $0 -= 1 }
                        self.signal()
                    }
                }
                if claimed.isEmpty {
                    // Sleep until new work, a finished delivery, or the poll interval.
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

    /// One delivery attempt and its bookkeeping.
    func attempt(_ entry: QueueEntry) async {
        let started = ContinuousClock.now
        let outcome: DeliveryOutcome
        if let driver = drivers()[entry.driver] {
            outcome = await driver.deliver(entry)
        } else {
            outcome = .refused("no queue driver '\(entry.driver)' is installed")
        }
        let elapsed = ContinuousClock.now - started
        let now = Date()
        let policy = configuration.policy
        let decision = policy.decide(outcome, created: entry.created, attempts: entry.attempts, now: now, random: Double.random(in: 0..<1))
        do {
            try await store.write { session in
                let before = try await session.site(host: entry.destination) ?? Site(host: entry.destination, network: entry.network, updated: now)
                let after = policy.site(before, after: outcome, now: now)
                try await session.upsertSite(after)
                try await session.finishEntry(entry, decision: decision, now: now)
                if outcome.destinationAnswered, before.failureStreak > 0 {
                    // The probe got through: everything held back goes now.
                    try await session.releaseEntries(destination: entry.destination, at: now)
                } else if case .retry(let at, _) = decision {
                    // While the destination fails, the rest wait for this entry, the next probe.
                    try await session.holdEntries(destination: entry.destination, until: at, except: entry.id)
                }
            }
        } catch is CancellationError {
            // Stopped mid-way (not a graceful shutdown): the lease runs out and the entry is tried again.
            logger.debug("recording a delivery was cancelled", metadata: ["queue.entry": "\(entry.id)"])
        } catch {
            // The lease runs out and the entry is tried again: nothing is lost.
            logger.error("recording a delivery failed", metadata: ["queue.entry": "\(entry.id)", "error": "\(error)"])
        }
        record(entry, outcome: outcome, decision: decision, elapsed: elapsed)
        _ = await hooks.run(.queueDeliver, QueueDelivery(entry: entry, outcome: outcome))
    }

    private func record(_ entry: QueueEntry, outcome: DeliveryOutcome, decision: DeliveryPolicy.Decision, elapsed: Duration) {
        let result = switch decision {
        case .delivered: "delivered"
        case .refused: "refused"
        case .retry: "retry"
        case .deadLetter: "dead_letter"
        }
        Counter(label: "junction_deliveries_total", dimensions: [("network", entry.network), ("result", result)]).increment()
        Timer(label: "junction_delivery_duration_seconds", dimensions: [("network", entry.network)], preferredDisplayUnit: .seconds)
            .recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
        if case .delivered = decision {} else {
            logger.info("delivery not completed", metadata: [
                "queue.entry": "\(entry.id)", "queue.destination": "\(entry.destination)",
                "queue.attempts": "\(entry.attempts)", "queue.outcome": "\(outcome)",
            ])
        }
    }
}
