public import Foundation
public import JunctionCore

/// What the poller knows about one followed feed. Kept as JSON in the feed xchan's `xconfig`
/// (family `rss`, key `state`), so it survives restarts and every hub process sees it.
public struct FeedState: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable {
        /// Followed, not polled yet.
        case new
        /// The last poll read the feed (or was told it had not changed).
        case ok
        /// The last polls failed; retried with backoff.
        case failing
        /// The feed answered 404; retried with backoff in case it comes back.
        case notFound = "not_found"
        /// The feed answered 410: removed for good, no longer polled.
        case gone
    }

    /// Where the feed is fetched now: its address, or where a permanent redirect moved it.
    public var url: String
    public var status: Status = .new
    /// Validators of the last full answer, sent back for a conditional GET.
    public var etag: String?
    public var lastModified: String?
    public var lastPoll: Date?
    public var lastSuccess: Date?
    /// When it is polled next; nil once it is gone.
    public var nextPoll: Date?
    /// The current interval between polls, adapted to the feed's cadence (seconds).
    public var interval: Double?
    /// Failed polls in a row.
    public var failures = 0
    public var lastError: String?
    /// Items stored from this feed since it was followed (all followers).
    public var itemsStored = 0

    public init(url: String) { self.url = url }

    /// The config family and key the state lives under.
    static let family = RSSDriver.networkName
    static let key = "state"

    /// The stored state of feed `xchan`, or a new one.
    static func load(_ xchan: XChan, in session: any StoreSession) async throws -> FeedState {
        try await session.configJSON(.xchan(xchan.hash), family: family, key: key) ?? FeedState(url: xchan.address)
    }

    func save(for xchan: XChan, in session: any StoreSession) async throws {
        try await session.setConfigJSON(.xchan(xchan.hash), family: Self.family, key: Self.key, value: self)
    }
}
