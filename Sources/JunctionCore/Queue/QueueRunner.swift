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
        /// A waiting entry, and when its lease began.
        typealias Waiting = (entry: QueueEntry, leased: ContinuousClock.Instant)

        /// Deliveries at once, in all and to one destination.
        let workers: Int
        let perDestination: Int
        /// Entries waiting for a worker, oldest first, in two lists by how they came: claimed
        /// from the queue (retries, probes, work queued by other processes, what did not fit a
        /// hand-over) and handed over by this process's notifier. Workers take from each in turn,
        /// so neither a burst of posts nor a backlog holds the other back. Deques, since entries
        /// are taken from near their fronts.
        private(set) var fromClaims: Deque<Waiting> = []
        private(set) var fromHandoff: Deque<Waiting> = []
        /// The sizes of the handed-over entries waiting (``QueueEntry/size``), added up.
        private(set) var fromHandoffBytes = 0
        /// Whether the next start looks at the claimed list first.
        private var claimsFirst = true
        /// Deliveries under way, in all and per destination.
        var busy = 0
        var sending: [String: Int] = [:]
        /// Entries leased to this runner per destination, waiting or under way.
        var held: [String: Int] = [:]
        var claiming = false
        /// When the last claim found fewer due entries than it asked for.
        var exhausted: ContinuousClock.Instant?
        /// Attempts finished so far, and when and at what count the rate was last measured.
        private var finishedCount = 0
        private var rateMark = (at: ContinuousClock.now, finished: 0)
        /// Attempts finished per second, as last measured.
        private var rate = 0.0

        init(workers: Int, perDestination: Int) {
            self.workers = workers
            self.perDestination = perDestination
        }

        /// The next waiting entry: stale when it waited `freshness` or longer (unless
        /// `leavingStale`, then nil), or started and counted in flight when fewer than `workers`
        /// are busy and its destination has fewer than `perDestination` under way.
        mutating func take(freshness: Duration, leavingStale: Bool = false) -> Next? {
            let now = ContinuousClock.now
            for claimedOnes in [true, false] {
                guard let first = (claimedOnes ? fromClaims : fromHandoff).first, now - first.leased >= freshness else { continue }
                if leavingStale { return nil }
                let entry = remove(at: 0, claimedOnes: claimedOnes)
                release(entry)
                return .stale(entry)
            }
            guard busy < workers else { return nil }
            let hasRoom = { (waiting: Waiting) in sending[waiting.entry.destination, default: 0] < perDestination }
            for claimedOnes in [claimsFirst, !claimsFirst] {
                guard let index = (claimedOnes ? fromClaims : fromHandoff).firstIndex(where: hasRoom) else { continue }
                let entry = remove(at: index, claimedOnes: claimedOnes)
                claimsFirst = !claimedOnes
                busy += 1
                sending[entry.destination, default: 0] += 1
                return .start(entry)
            }
            return nil
        }

        /// Takes the entry at `index` off the claimed list or the handed-over one.
        private mutating func remove(at index: Int, claimedOnes: Bool) -> QueueEntry {
            if claimedOnes { return fromClaims.remove(at: index).entry }
            let entry = fromHandoff.remove(at: index).entry
            fromHandoffBytes -= entry.size
            return entry
        }

        /// Frees the worker and the destination's slot `entry` held.
        mutating func finished(_ entry: QueueEntry) {
            busy -= 1
            finishedCount += 1
            Self.decrement(&sending, entry.destination)
            release(entry)
        }

        /// Adds claimed entries to the waiting list.
        mutating func addClaimed(_ entries: [Waiting]) {
            fromClaims += entries
            for (entry, _) in entries { held[entry.destination, default: 0] += 1 }
        }

        /// Adds handed-over entries to the waiting list.
        mutating func addHandedOver(_ entries: [Waiting]) {
            fromHandoff += entries
            for (entry, _) in entries {
                held[entry.destination, default: 0] += 1
                fromHandoffBytes += entry.size
            }
        }

        /// Takes every waiting entry off the lists.
        mutating func removeAllWaiting() -> [QueueEntry] {
            let waiting = (fromClaims + fromHandoff).map(\.entry)
            for entry in waiting { release(entry) }
            fromClaims = []
            fromHandoff = []
            fromHandoffBytes = 0
            return waiting
        }

        /// Attempts finished per second: measured over a second or more, and halved for each
        /// such span with fewer, so that a short lull does not forget how fast the workers go.
        mutating func finishingRate(now: ContinuousClock.Instant) -> Double {
            let elapsed = now - rateMark.at
            guard elapsed >= .seconds(1) else { return rate }
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            rate = max(Double(finishedCount - rateMark.finished) / seconds, rate / 2)
            rateMark = (now, finishedCount)
            return rate
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

        /// How long until a claim should start (zero: now), or nil when none is wanted: one is
        /// under way, or enough claimed entries wait. Handed-over ones do not count, since claims
        /// bring retries and probes, which must not wait for a burst of posts to be sent; but
        /// after a claim that found the queue exhausted, the next waits `pause`, or `busyPause`
        /// while hand-overs keep the workers busy.
        func untilClaim(pause: Duration, busyPause: Duration) -> Duration? {
            guard !claiming, fromClaims.count < QueueRunner.claimBelow * workers else { return nil }
            guard let exhausted else { return .zero }
            let waited = ContinuousClock.now - exhausted
            let wait = fromHandoff.isEmpty ? pause : busyPause
            return waited < wait ? wait - waited : .zero
        }
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

    /// How many entries, per worker, the notifier may hand over to wait here: at least
    /// `handoffAhead.lowerBound`, more than a claim fetches, so that a post to a few hundred hubs
    /// needs no claim; up to `upperBound` (four thousand with 16 workers) while the workers get
    /// through that many within ``handoffHorizon``, so that a burst of posts to them needs none
    /// either. ``handoffBytes`` bounds the memory they take.
    static let handoffAhead = 64...256
    /// How long, as a share of the lease, the waiting hand-overs may take to send at the rate
    /// the workers finish attempts: an eighth, a quarter of the time an entry may wait before it
    /// is given back (half the lease), so that slow destinations do not let a burst's tail go
    /// stale.
    static let handoffHorizon = 0.125
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
    /// list has room for (``handoffAhead``).
    private func collectHandedOff() {
        guard let handoff else { return }
        let workers = configuration.workers
        let horizon = configuration.policy.lease * Self.handoffHorizon
        dispatch.withLock { dispatch in
            let sent = Int(dispatch.finishingRate(now: .now) * horizon)
            let room = min(max(sent, Self.handoffAhead.lowerBound * workers), Self.handoffAhead.upperBound * workers)
            dispatch.addHandedOver(handoff.collect(free: room - dispatch.fromHandoff.count, bytes: Self.handoffBytes - dispatch.fromHandoffBytes)
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
                return (taken, taken == nil || dispatch.untilClaim(pause: Self.exhaustedPause, busyPause: configuration.idlePoll) == .zero)
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
            // While hand-overs keep the workers busy, the queue is asked for due entries at the
            // poll interval, not after every delivery.
            guard let wait = dispatch.untilClaim(pause: Self.exhaustedPause, busyPause: configuration.idlePoll) else { return (nil, nil) }
            guard wait == .zero else { return (nil, wait) }
            dispatch.claiming = true
            return (Self.claimAhead * configuration.workers - dispatch.fromClaims.count, nil)
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
            dispatch.addClaimed(entries.map { ($0, claimed) })
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
