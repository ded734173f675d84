public import Foundation

/// A delivery a driver asks the queue to make: one payload to one destination hub, carrying
/// the items for every recipient listed.
public struct QueueEntryDraft: Sendable, Hashable {
    /// The queue driver that sends it (`post` for a signed HTTP POST).
    public var driver: String
    /// The destination host (with port), whose ``Site`` health governs retries.
    public var destination: String
    /// Where to send it.
    public var endpoint: String
    public var payload: Data
    public var contentType: String
    /// The xchan hashes this delivery serves, one delivery report each.
    public var recipients: [String]
    /// Higher runs first.
    public var priority: Int

    public init(driver: String = QueueEntry.postDriver, destination: String, endpoint: String, payload: Data,
                contentType: String, recipients: [String], priority: Int = 0) {
        self.driver = driver
        self.destination = destination
        self.endpoint = endpoint
        self.payload = payload
        self.contentType = contentType
        self.recipients = recipients
        self.priority = priority
    }
}

extension QueueEntryDraft {
    /// The bytes of its payload and recipient list: what it takes in memory while it waits.
    public var size: Int { QueueEntry.size(payload: payload, recipients: recipients) }

    /// The pending entry this draft became once enqueued as `id`, due at `created`.
    public func entry(id: Int64, network: String, channelID: Int64?, itemID: Int64?, attempts: Int, created: Date) -> QueueEntry {
        QueueEntry(id: id, driver: driver, network: network, destination: destination, endpoint: endpoint, payload: payload,
                   contentType: contentType, channelID: channelID, itemID: itemID, recipients: recipients, priority: priority,
                   state: .pending, attempts: attempts, created: created, nextAttempt: created, lastError: nil)
    }
}

/// One pending or dead-lettered delivery in `outq`.
public struct QueueEntry: Sendable, Hashable, Identifiable {
    /// Whether the queue still tries it.
    public enum State: String, Sendable, Codable {
        /// Waiting for its next attempt (or leased by a worker).
        case pending
        /// Gave up after the retry window; kept, listed and re-sendable.
        case deadLetter = "dead_letter"
    }

    /// The built-in queue driver: a signed HTTP POST.
    public static let postDriver = "post"

    public var id: Int64
    public var driver: String
    public var network: String
    public var destination: String
    public var endpoint: String
    public var payload: Data
    public var contentType: String
    public var channelID: Int64?
    public var itemID: Int64?
    public var recipients: [String]
    public var priority: Int
    public var state: State
    /// Attempts made so far.
    public var attempts: Int
    public var created: Date
    public var nextAttempt: Date
    public var lastError: String?

    public init(id: Int64, driver: String, network: String, destination: String, endpoint: String, payload: Data,
                contentType: String, channelID: Int64?, itemID: Int64?, recipients: [String], priority: Int,
                state: State, attempts: Int, created: Date, nextAttempt: Date, lastError: String?) {
        self.id = id
        self.driver = driver
        self.network = network
        self.destination = destination
        self.endpoint = endpoint
        self.payload = payload
        self.contentType = contentType
        self.channelID = channelID
        self.itemID = itemID
        self.recipients = recipients
        self.priority = priority
        self.state = state
        self.attempts = attempts
        self.created = created
        self.nextAttempt = nextAttempt
        self.lastError = lastError
    }
}

/// What one delivery attempt came to, as a queue driver reports it.
public enum DeliveryOutcome: Sendable, Equatable {
    /// The destination has it.
    case delivered
    /// The destination answered and will never take it (most 4xx, 410, unknown host).
    case refused(String)
    /// Try again later (5xx, 408, 429, timeouts); `after` is the destination's `Retry-After`.
    case retry(String, after: TimeInterval?)

    /// True when the destination host answered at all (it is alive).
    public var destinationAnswered: Bool {
        switch self {
        case .delivered, .refused: true
        case .retry: false
        }
    }
}

/// The state of one recipient's delivery, as `junction deliveries` shows it.
public struct DeliveryReport: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Codable {
        case queued, delivered, refused, failing, deadLetter = "dead_letter", cancelled
    }

    public var itemID: Int64?
    public var recipient: String
    public var destination: String
    public var queueEntryID: Int64?
    public var status: Status
    public var reason: String?
    public var attempts: Int
    public var nextAttempt: Date?
    public var updated: Date

    public init(itemID: Int64?, recipient: String, destination: String, queueEntryID: Int64?, status: Status,
                reason: String?, attempts: Int, nextAttempt: Date?, updated: Date) {
        self.itemID = itemID
        self.recipient = recipient
        self.destination = destination
        self.queueEntryID = queueEntryID
        self.status = status
        self.reason = reason
        self.attempts = attempts
        self.nextAttempt = nextAttempt
        self.updated = updated
    }
}

extension QueueEntry {
    /// The bytes of its payload and recipient list: what it takes in memory while it waits.
    public var size: Int { Self.size(payload: payload, recipients: recipients) }

    static func size(payload: Data, recipients: [String]) -> Int {
        recipients.reduce(payload.count) { $0 + $1.utf8.count }
    }
}
