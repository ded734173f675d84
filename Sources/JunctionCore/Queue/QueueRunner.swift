import DequeModule
public import Foundation
public import Logging
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
    private let handoff: QueueHandoff?
    private let metrics = DeliveryMetrics()
    /// Claimed entries waiting for a worker, and whether a claim is under way.
    private let dispatch: Mutex<Dispatch>

    private struct Dispatch {
        /// Deliveries at once, in all and to one destination.
        let workers: Int
        let perDestination: Int
        /// Oldest first; a deque, since entries are taken from near its front.
        private(set) var ready: Deque<(entry: QueueEntry, claimed: ContinuousClock.Instant)> = []
        /// The sizes of the waiting entries (``QueueEntry/size``), added up.
        private(set) var readyBytes = 0
        /// Deliveries under way, in all and per destination.
        var busy = 0
        var sending: [String: Int] = [:]
        /// Entries leased to this runner per destination, waiting or under way.
        var held: [String: Int] = [:]
        var claiming = false
        /// When the last claim found fewer due entries than it asked for.
        var exhausted: ContinuousClock.Instant?

        /// The next waiting entry: stale when it waited `freshness` or longer (unless
        /// `leavingStale`, then nil), or started and counted in flight when fewer than `workers`
        /// are busy and its destination has fewer than `perDestination` under way.
        mutating func take(freshness: Duration, leavingStale: Bool = false) -> Next? {
            guard let first = ready.first else { return nil }
            if ContinuousClock.now - first.claimed >= freshness {
                if leavingStale { return nil }
                ready.removeFirst()
                readyBytes -= first.entry.size
                release(first.entry)
                return .stale(first.entry)
            }
            guard busy < workers, let index = ready.firstIndex(where: { sending[$0.entry.destination, default: 0] < perDestination }) else {
                return nil
            }
            let entry = ready.remove(at: index).entry
            readyBytes -= entry.size
            busy += 1
            sending[entry.destination, default: 0] += 1
            return .start(entry)
        }

        /// Frees the worker and the destination's slot `entry` held.
        mutating func finished(_ entry: QueueEntry) {
            busy -= 1
            Self.decrement(&sending, entry.destination)
            release(entry)
        }

        /// Adds claimed or handed-over entries to the waiting list.
        mutating func add(_ entries: [(entry: QueueEntry, claimed: ContinuousClock.Instant)]) {
            ready += entries
            for (entry, _) in entries {
                held[entry.destination, default: 0] += 1
                readyBytes += entry.size
            }
        }

        /// Takes every waiting entry off the list.
        mutating func removeAllWaiting() -> [QueueEntry] {
            defer {
                ready = []
                readyBytes = 0
            }
            for (entry, _) in ready { release(entry) }
            return ready.map(\.entry)
        }

        /// `entry` is no longer held: delivered, or given back.
        private mutating func release(_ entry: QueueEntry) {
            Self.decrement(&held, entry.destination)
        }

        /// One less for `destination`, which leaves `counts` at none.
        private static func decrement(_ counts: inout [String: Int], _ destination: String) {
            let count = counts[destination, default: 1] - 1
            counts[destination] = count > 0 ? count : nil
        }

        /// Whether so few wait that a claim should start, none being under way.
        var wantsClaim: Bool { !claiming && ready.count < QueueRunner.claimBelow * workers }
    }

    /// Entries the notifier queues in this process arrive through `handoff` when the runner has
    /// room, already leased to it; `handoff` must signal `wake`.
    public init(store: any Store, hooks: HookRegistry, drivers: @escaping @Sendable () -> [String: any QueueDriver],
                configuration: Configuration = .init(), wake: WakeSignal = WakeSignal(), handoff: QueueHandoff? = nil, logger: Logger) {
        self.wake = wake
        self.handoff = handoff
        self.store = store
        self.hooks = hooks
        self.drivers = drivers
        self.configuration = configuration
        self.logger = logger
        dispatch = Mutex(Dispatch(workers: configuration.workers, perDestination: configuration.policy.perDestinationConcurrency))
    }

    /// Tells the runner new work is due (called after enqueueing in this process).
    public func signal() { wake.signal() }

    public func run() async throws {
        // A recorded batch frees room at its destinations: claim again.
        let recorder = DeliveryRecorder(store: store, policy: configuration.policy, logger: logger, onRecorded: { [wake] in wake.signal() })
        async let recording: Void = recorder.run()
        // An entry that waited this long is given back rather than started, so it is never
        // still being delivered when its lease runs out and another worker may take it.
        let freshness = Duration.seconds(configuration.policy.lease / 2)
        handoff?.open(owner: owner, lease: configuration.policy.lease,
                      perDestination: Self.handoffPerDestination * configuration.policy.perDestinationConcurrency,
                      held: { [weak self] in self?.dispatch.withLock { $0.held } ?? [:] })
        await withDiscardingTaskGroup { tasks in
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                collectHandedOff()
                var started = 0
                var stale: [QueueEntry] = []
                while mayStart(recorder), let next = takeReady(freshness: freshness) {
                    switch next {
                    case .stale(let entry):
                        stale.append(entry)
                    case .start(let entry):
                        started += 1
                        tasks.addTask { await self.work(from: entry, recorder: recorder, freshness: freshness) }
                    }
                }
                if !stale.isEmpty { await giveBack(stale) }
                // Claim once fewer than a round of work is waiting, enough for a few rounds (a claim
                // costs about as much for 40 entries as for 4), beside the deliveries under way.
                let (limit, paused) = startClaim()
                if let limit {
                    tasks.addTask { await self.claim(limit: limit) }
                }
                if started == 0 {
                    // Sleep until new work, a finished delivery or claim, or the poll interval.
                    await wake.wait(timeout: min(paused ?? configuration.idlePoll, configuration.idlePoll))
                }
            }
        }
        // Deliveries and the claim in flight have finished; what was claimed or handed over but
        // not started goes back.
        let unstarted = dispatch.withLock { dispatch in
            dispatch.removeAllWaiting()
        }
        await giveBack(unstarted + (handoff?.close() ?? []))
        recorder.finish()
        await recording
    }

    /// How many entries, per worker, a claim fills the waiting list up to.
    static let claimAhead = 8
    /// How many entries, per worker, may wait before a claim starts: claims take a while, and the
    /// workers go on with the waiting ones meanwhile.
    static let claimBelow = 4
    /// How many attempts, per worker, may have ended and not be recorded yet. A crash repeats at
    /// most `workers × (1 + unrecorded)` deliveries (receivers deduplicate by item id); fewer
    /// hold a runner on PostgreSQL back behind its recorder's transactions.
    static let unrecorded = 8

    /// How many entries, per worker, the notifier may hand over while they wait: many more than
    /// a claim fetches, so that a post to a few hundred hubs, and the next twenty posts to them,
    /// need no claim at all (four thousand entries with 16 workers). ``handoffBytes`` bounds the
    /// memory they take.
    static let handoffAhead = 256
    /// How many bytes of payloads and recipient lists (``QueueEntry/size``) may wait through
    /// hand-overs, in all: a post with large payloads hands fewer over, and claims fetch the rest
    /// as workers get to them.
    static let handoffBytes = 32 << 20
    /// How many entries to one destination, in multiples of its limit, may be leased to this
    /// runner, sent or waiting, counting those it claimed: the runner sends no more than the limit
    /// at once, other runners' claims count them in flight and take none, and a destination
    /// that answers slowly cannot hold more of the waiting list than this. (What other runners
    /// hold is not counted: they keep to their own limits.)
    static let handoffPerDestination = 4

    /// Moves what the notifier handed over into the waiting list, and tells it how much more the
    /// list has room for.
    private func collectHandedOff() {
        guard let handoff else { return }
        dispatch.withLock { dispatch in
            dispatch.add(handoff.collect(free: Self.handoffAhead * configuration.workers - dispatch.ready.count,
                                         bytes: Self.handoffBytes - dispatch.readyBytes)
                .map { ($0.entry, $0.reserved) })
        }
    }

    /// Returns claimed entries that were not attempted to the queue, due at once.
    private func giveBack(_ entries: [QueueEntry]) async {
        guard !entries.isEmpty else { return }
        let ids = entries.map(\.id)
        do {
            try await store.write { try await $0.returnEntries(ids: ids, owner: owner) }
        } catch {
            logger.warning("returning claimed entries failed; they are due again when their leases run out",
                           metadata: ["error": "\(String(reflecting: error))"])
        }
    }

    /// What the runner does with the next claimed entry.
    fileprivate enum Next {
        case start(QueueEntry)
        case stale(QueueEntry)
    }

    /// The next waiting entry, counted in flight when it is to be started: nil when none is
    /// waiting, every worker is busy, or every waiting entry's destination has as many
    /// deliveries under way from this runner as a healthy destination may. (Claims and hand-offs
    /// each count what is leased when they run; a claim and a hand-off at the same moment could
    /// together lease more for one destination, and this keeps the runner from sending them at once.)
    private func takeReady(freshness: Duration) -> Next? {
        dispatch.withLock { $0.take(freshness: freshness) }
    }

    /// Whether another delivery may start. Attempts not yet recorded count: their entries are
    /// still leased and a crash repeats them, so a slow database holds the runner back instead
    /// of widening that.
    private func mayStart(_ recorder: DeliveryRecorder) -> Bool {
        !Task.isShuttingDownGracefully && !Task.isCancelled && recorder.outstanding < Self.unrecorded * configuration.workers
    }

    /// Delivers `entry`, then each next waiting entry that may start, in the same task, so that
    /// a busy queue keeps its workers going without a turn through the runner's loop. The runner
    /// is woken when this worker stops, and when the waiting list runs low enough for a claim.
    private func work(from entry: QueueEntry, recorder: DeliveryRecorder, freshness: Duration) async {
        var next: QueueEntry? = entry
        while let current = next {
            await attempt(current, recorder: recorder)
            collectHandedOff()
            let goOn = mayStart(recorder)
            let wakeRunner: Bool
            (next, wakeRunner) = dispatch.withLock { dispatch in
                dispatch.finished(current)
                // A stale entry is left for the runner to give back.
                var taken: QueueEntry?
                if goOn, case .start(let entry)? = dispatch.take(freshness: freshness, leavingStale: true) { taken = entry }
                return (taken, taken == nil || dispatch.wantsClaim)
            }
            if wakeRunner { signal() }
        }
    }

    /// How many entries to claim now, marking a claim under way; nil when one is under way or
    /// enough are waiting, or, for `paused`, while the last claim found the queue exhausted.
    ///
    /// Every finished delivery wakes the runner; without the pause, each would start a claim
    /// that finds nothing due while the workers send the last entries.
    private func startClaim() -> (limit: Int?, paused: Duration?) {
        dispatch.withLock { dispatch in
            guard dispatch.wantsClaim else { return (nil, nil) }
            if let exhausted = dispatch.exhausted, ContinuousClock.now - exhausted < Self.exhaustedPause {
                return (nil, Self.exhaustedPause - (ContinuousClock.now - exhausted))
            }
            dispatch.claiming = true
            return (Self.claimAhead * configuration.workers - dispatch.ready.count, nil)
        }
    }

    /// How long after a claim that found the queue exhausted the next one waits.
    static let exhaustedPause: Duration = .milliseconds(10)

    /// Claims up to `limit` due entries into the waiting list and wakes the runner when some came.
    private func claim(limit: Int) async {
        var entries: [QueueEntry] = []
        do {
            let now = Date()
            let policy = configuration.policy
            entries = try await store.write { session in
                try await session.claimDueEntries(now: now, limit: limit, owner: owner,
                                                  leaseUntil: now.addingTimeInterval(policy.lease), policy: policy)
            }
        } catch is CancellationError {
        } catch {
            logger.error("claiming queue entries failed", metadata: ["error": "\(String(reflecting: error))"])
            // Not again at once: the next claim waits for the poll interval.
            try? await Task.sleep(for: configuration.idlePoll)
        }
        let claimed = ContinuousClock.now
        dispatch.withLock { dispatch in
            dispatch.add(entries.map { ($0, claimed) })
            dispatch.claiming = false
            dispatch.exhausted = entries.count < limit ? claimed : nil
        }
        if !entries.isEmpty { signal() }
    }

    /// One delivery attempt; its bookkeeping goes to `recorder`.
    private func attempt(_ entry: QueueEntry, recorder: DeliveryRecorder) async {
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
        recorder.add(DeliveryRecorder.Attempt(entry: entry, outcome: outcome, decision: decision, ended: now))
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
        metrics.record(network: entry.network, result: result, elapsed: elapsed)
        if case .delivered = decision {} else {
            logger.info("delivery not completed", metadata: [
                "queue.entry": "\(entry.id)", "queue.destination": "\(entry.destination)",
                "queue.attempts": "\(entry.attempts)", "queue.outcome": "\(outcome)",
            ])
        }
    }
}
