import Foundation
import Logging
import Synchronization

/// Records finished delivery attempts in batches: whatever finished while one batch was being
/// written goes into the next transaction (group commit), so a busy queue costs a write per
/// batch rather than one per delivery.
///
/// A batch keeps the order of its attempts: each destination's health is folded through them,
/// a probe's success releases the entries held behind it, and a failure holds them. A site is
/// written when its health changes, or when its last success is a minute old. If a write
/// fails, the entries keep their leases and are tried again when the leases run out.
final class DeliveryRecorder: Sendable {
    /// One attempt that ended.
    struct Attempt: Sendable {
        var entry: QueueEntry
        var outcome: DeliveryOutcome
        var decision: DeliveryPolicy.Decision
        var ended: Date
    }

    private struct State {
        var pending: [Attempt] = []
        /// Attempts added and not yet written (the pending ones and the batch being written).
        var outstanding = 0
        var finishing = false
    }

    private let store: any Store
    private let policy: DeliveryPolicy
    private let logger: Logger
    /// How long a batch gathers after the first attempt in it ends, and the least time from the
    /// start of one batch's write to the next: a busy queue writes a batch every so often, not
    /// one as soon as the last is written. Each commit writes every page it touched (the
    /// queue's and the reports' index pages, mostly the same ones), so fewer, larger batches
    /// write less per delivery.
    static let gathering: Duration = .milliseconds(10)

    private let state = Mutex(State())
    private let wake = WakeSignal()
    private let onRecorded: @Sendable () -> Void

    /// `onRecorded` is called after each batch is written.
    init(store: any Store, policy: DeliveryPolicy, logger: Logger, onRecorded: @escaping @Sendable () -> Void) {
        self.store = store
        self.policy = policy
        self.logger = logger
        self.onRecorded = onRecorded
    }

    /// Queues `attempt` for the next batch.
    func add(_ attempt: Attempt) {
        state.withLock { state in
            state.pending.append(attempt)
            state.outstanding += 1
        }
        wake.signal()
    }

    /// Attempts that ended and are not written yet: their entries are still leased.
    var outstanding: Int { state.withLock { $0.outstanding } }

    /// Writes batches until ``finish()`` was called and everything added before it is written.
    func run() async {
        while true {
            let (batch, finishing) = state.withLock { state in
                defer { state.pending = [] }
                return (state.pending, state.finishing)
            }
            if batch.isEmpty {
                if finishing { return }
                await wake.wait(timeout: .seconds(1))
                // A moment for the deliveries finishing alongside to join the batch.
                try? await Task.sleep(for: Self.gathering)
                continue
            }
            let started = ContinuousClock.now
            await record(batch)
            state.withLock { $0.outstanding -= batch.count }
            onRecorded()
            if !finishing, ContinuousClock.now < started + Self.gathering {
                try? await Task.sleep(until: started + Self.gathering)
            }
        }
    }

    /// Lets ``run()`` return once what was added so far is written.
    func finish() {
        state.withLock { $0.finishing = true }
        wake.signal()
    }

    private func record(_ batch: [Attempt]) async {
        do {
            try await store.write { session in
                let stored = Dictionary(try await session.sitesForUpdate(hosts: Array(Set(batch.map(\.entry.destination))))
                    .map { ($0.host, $0) }, uniquingKeysWith: { first, _ in first })
                var sites = stored
                var done: [FinishedAttempt] = []
                for attempt in batch {
                    let entry = attempt.entry
                    let before = sites[entry.destination] ?? Site(host: entry.destination, network: entry.network, updated: attempt.ended)
                    sites[entry.destination] = policy.site(before, after: attempt.outcome, now: attempt.ended)
                    switch attempt.decision {
                    case .delivered, .refused:
                        // Leased until the batch ends, so the releases and holds below pass it by.
                        done.append(FinishedAttempt(entry: entry, decision: attempt.decision))
                    case .retry, .deadLetter:
                        try await session.finishEntries([FinishedAttempt(entry: entry, decision: attempt.decision)], now: attempt.ended)
                    }
                    if attempt.outcome.destinationAnswered, before.failureStreak > 0 {
                        // The probe got through: everything held back goes now.
                        try await session.releaseEntries(destination: entry.destination, at: attempt.ended)
                    } else if case .retry(let at, _) = attempt.decision {
                        // While the destination fails, the rest wait for this entry, the next probe.
                        try await session.holdEntries(destination: entry.destination, until: at, except: entry.id)
                    }
                }
                try await session.finishEntries(done, now: batch.last?.ended ?? Date())
                try await session.recordHealth(sites.values.filter { Self.needsWriting($0, stored: stored[$0.host]) })
            }
        } catch is CancellationError {
            // Stopped mid-way (not a graceful shutdown): the leases run out and the entries are tried again.
            logger.debug("recording deliveries was cancelled", metadata: ["queue.entries": "\(batch.count)"])
        } catch {
            // The leases run out and the entries are tried again: nothing is lost.
            logger.error("recording deliveries failed", metadata: ["queue.entries": "\(batch.count)", "error": "\(String(reflecting: error))"])
        }
    }

    /// Whether `site` differs from what is stored in more than a recent success.
    static func needsWriting(_ site: Site, stored: Site?) -> Bool {
        guard let stored else { return true }
        if site.failureStreak != stored.failureStreak || site.isDead != stored.isDead || site.firstFailure != stored.firstFailure
            || site.lastFailure != stored.lastFailure || (stored.network == nil && site.network != nil) {
            return true
        }
        guard let success = site.lastSuccess else { return false }
        return success.timeIntervalSince(stored.lastSuccess ?? .distantPast) >= 60
    }
}
