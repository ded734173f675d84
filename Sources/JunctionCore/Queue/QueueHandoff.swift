public import Foundation
import Synchronization

/// Hands entries the notifier has just queued straight to this process's queue runner, so
/// fresh work is sent without first being claimed back from the database.
///
/// The notifier asks for room while it queues (``reserve(_:bytes:)``); the entries it is given room for
/// are written already leased to the runner, in the same transaction, and reach the runner once
/// that transaction commits (``deliver(_:reservation:)``, from ``CommitActions/afterCommit(_:)``).
/// If the transaction rolls back nothing arrives; if the process dies before sending, the leases
/// run out and the entries are claimed like any other. While no runner is running (a
/// `junction post` process) there is no room and every entry waits for a claim.
public final class QueueHandoff: Sendable {
    /// Where fresh entries are leased to: the runner's lease owner, and for how long.
    public struct Lease: Sendable {
        public var owner: String
        public var until: Date

        public init(owner: String, until: Date) {
            self.owner = owner
            self.until = until
        }
    }

    /// Room granted for `count` entries of `bytes` in all (``QueueEntryDraft/size``), leased as
    /// `lease`, as long as a destination has fewer than `perDestination` leased to the runner
    /// (sent or waiting; a few times the runner's limit for a healthy one, which it keeps to when
    /// sending). `held` is how many each destination has leased to the runner when the room is
    /// granted, handed over or claimed.
    public struct Reservation: Sendable {
        public var lease: Lease
        public var count: Int
        public var bytes: Int
        public var perDestination: Int
        public var held: [String: Int]
        /// When the lease began, by the clock the runner measures a claim's freshness with.
        var reserved: ContinuousClock.Instant
    }

    private struct State {
        var owner: String?
        var lease: TimeInterval = 0
        var perDestination = 0
        var held: (@Sendable () -> [String: Int])?
        var room = 0
        var roomBytes = 0
        var arrived: [(entry: QueueEntry, reserved: ContinuousClock.Instant)] = []
    }

    private let state = Mutex(State())
    private let wake: WakeSignal

    /// `wake` is the runner's: an arrival wakes it.
    public init(wake: WakeSignal) {
        self.wake = wake
    }

    /// Room for up to `wanted` fresh entries of `bytes` in all, taken from what the runner has
    /// free; nil when there is none (no runner, or it has enough waiting). The lease starts now,
    /// by the same reading the runner later measures the entries' freshness from, so it cannot
    /// run out unnoticed.
    public func reserve(_ wanted: Int, bytes wantedBytes: Int) -> Reservation? {
        let granted = state.withLock { state -> (Reservation, runnerHolds: @Sendable () -> [String: Int])? in
            guard let owner = state.owner, let runnerHolds = state.held, state.room > 0, state.roomBytes > 0, wanted > 0 else { return nil }
            let count = min(wanted, state.room)
            let bytes = min(wantedBytes, state.roomBytes)
            state.room -= count
            state.roomBytes -= bytes
            // Handed over and not yet collected: leased to the runner as much as what it holds.
            var arrived: [String: Int] = [:]
            for (entry, _) in state.arrived { arrived[entry.destination, default: 0] += 1 }
            return (Reservation(lease: Lease(owner: owner, until: Date().addingTimeInterval(state.lease)), count: count,
                                bytes: bytes, perDestination: state.perDestination, held: arrived, reserved: ContinuousClock.now), runnerHolds)
        }
        guard var (reservation, runnerHolds) = granted else { return nil }
        // Asked outside the lock: the runner hands arrivals over while holding its own.
        reservation.held.merge(runnerHolds(), uniquingKeysWith: +)
        return reservation
    }

    /// Passes `entries`, written under `reservation`'s lease and committed, to the runner.
    public func deliver(_ entries: [QueueEntry], reservation: Reservation) {
        guard !entries.isEmpty else { return }
        let accepted = state.withLock { state in
            guard state.owner == reservation.lease.owner else { return false }
            state.arrived += entries.map { ($0, reservation.reserved) }
            return true
        }
        // A runner that stopped meanwhile gives nothing back: the leases run out.
        if accepted { wake.signal() }
    }

    /// Opens the hand-off to runner `owner`, whose claims lease entries for `lease` seconds and
    /// who takes up to `perDestination` leased entries to one destination through hand-overs;
    /// `held` tells how many it holds per destination.
    func open(owner: String, lease: TimeInterval, perDestination: Int, held: @escaping @Sendable () -> [String: Int]) {
        state.withLock { state in
            state.owner = owner
            state.lease = lease
            state.perDestination = perDestination
            state.held = held
        }
    }

    /// Takes what arrived; the room for more is what of `free` entries and `bytes` the
    /// arrivals leave.
    func collect(free: Int, bytes: Int) -> [(entry: QueueEntry, reserved: ContinuousClock.Instant)] {
        state.withLock { state in
            defer { state.arrived = [] }
            state.room = max(0, free - state.arrived.count)
            state.roomBytes = max(0, bytes - state.arrived.reduce(0) { $0 + $1.entry.size })
            return state.arrived
        }
    }

    /// Closes the hand-off and returns what arrived and was never collected.
    func close() -> [QueueEntry] {
        state.withLock { state in
            defer { state = State() }
            return state.arrived.map(\.entry)
        }
    }
}
