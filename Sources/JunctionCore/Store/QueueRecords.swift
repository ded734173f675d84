public import Foundation

/// The outbound queue (`outq`) and the delivery reports (`dreport`).
public protocol QueueRecords: Sendable {
    /// Enqueues `drafts`, due at `now`, and returns the new entry ids in the drafts' order. With a
    /// `lease` the entries are written already claimed by it, their first attempt counted (see
    /// ``QueueHandoff``). Their reports come from the queue while they wait.
    @discardableResult
    func enqueue(_ drafts: [QueueEntryDraft], network: String, channelID: Int64?, itemID: Int64?, now: Date,
                 lease: QueueHandoff.Lease?) async throws -> [Int64]

    /// Writes reports for recipients the notifier did not enqueue (refused before sending).
    func recordReports(_ reports: [DeliveryReport]) async throws

    /// Leases up to `limit` due entries to `owner` until `leaseUntil`, oldest first, never more in
    /// flight per destination than `policy` allows for its site (``DeliveryPolicy/concurrency(for:now:)``);
    /// counts the attempt.
    func claimDueEntries(now: Date, limit: Int, owner: String, leaseUntil: Date, policy: DeliveryPolicy) async throws -> [QueueEntry]

    /// Records the end of attempts: removes delivered and refused entries, reschedules or
    /// dead-letters the rest, and updates their reports.
    func finishEntries(_ attempts: [FinishedAttempt], now: Date) async throws

    /// Gives back entries `owner` claimed but never attempted (it is shutting down): they are
    /// due again at once, and the claim no longer counts as an attempt.
    func returnEntries(ids: [Int64], owner: String) async throws

    /// Makes every pending, unleased entry to `host` due at `date`: its probe got through.
    func releaseEntries(destination host: String, at date: Date) async throws

    /// Holds every pending, unleased entry to `host` except `probe` until at least `date`, so
    /// that while the destination fails only its probe is tried.
    func holdEntries(destination host: String, until date: Date, except probe: Int64) async throws

    /// Cancels pending entries and marks their reports `cancelled`; returns how many.
    @discardableResult
    func cancelEntries(_ selection: QueueSelection, reason: String, now: Date) async throws -> Int

    /// Makes failing and dead-lettered entries due now, with a fresh retry window; returns how many.
    @discardableResult
    func requeueEntries(_ selection: QueueSelection, now: Date) async throws -> Int

    func queueEntry(id: Int64) async throws -> QueueEntry?
    /// Depth, age and failures per destination and network.
    func queueSummary(now: Date) async throws -> [DestinationSummary]
    /// The reports of one item, by destination and recipient.
    func deliveryReports(itemID: Int64) async throws -> [DeliveryReport]
}

extension QueueRecords {
    /// Enqueues `drafts`, due at `now`, for any worker to claim; returns the new entry ids in the
    /// drafts' order.
    @discardableResult
    public func enqueue(_ drafts: [QueueEntryDraft], network: String, channelID: Int64?, itemID: Int64?, now: Date) async throws -> [Int64] {
        try await enqueue(drafts, network: network, channelID: channelID, itemID: itemID, now: now, lease: nil)
    }
}

/// A claimed entry whose attempt ended, with what the delivery policy decided.
public struct FinishedAttempt: Sendable {
    public var entry: QueueEntry
    public var decision: DeliveryPolicy.Decision

    public init(entry: QueueEntry, decision: DeliveryPolicy.Decision) {
        self.entry = entry
        self.decision = decision
    }
}

/// Which queue entries an operation applies to.
public enum QueueSelection: Sendable, Hashable {
    case entry(Int64)
    case item(Int64)
    case channel(Int64)
    case destination(String)
}

/// The queue as seen from one destination, for one network.
public struct DestinationSummary: Sendable, Hashable, Codable {
    public var destination: String
    public var network: String
    public var pending: Int
    public var retrying: Int
    public var deadLetters: Int
    public var oldestCreated: Date?

    public init(destination: String, network: String, pending: Int, retrying: Int, deadLetters: Int, oldestCreated: Date?) {
        self.destination = destination
        self.network = network
        self.pending = pending
        self.retrying = retrying
        self.deadLetters = deadLetters
        self.oldestCreated = oldestCreated
    }
}
