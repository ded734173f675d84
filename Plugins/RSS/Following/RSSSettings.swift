public import JunctionCore

/// The operator's bounds for following feeds, read from the driver settings under `rss.`.
public struct RSSSettings: Sendable {
    /// The shortest interval between two polls of a feed (`rss.poll.minimum`, seconds, default 15 minutes).
    public var minimumInterval: Double = 15 * 60
    /// The longest interval (`rss.poll.maximum`, seconds, default 1 day); failing feeds back off up to it.
    public var maximumInterval: Double = 24 * 3600
    /// The interval of a feed whose WebSub hub pushes to us (`rss.poll.pushed`, default 1 day):
    /// polling stays on as the fallback.
    public var pushedInterval: Double = 24 * 3600
    /// New items stored per poll and follower, newest kept (`rss.poll.items`, default 50).
    public var itemsPerPoll = 50
    /// The largest feed document read, after decompression (`rss.fetch.maxBytes`, default 4 MiB).
    public var maximumBytes = 4 << 20
    /// The deadline of one fetch (`rss.fetch.timeout`, seconds, default 20).
    public var timeout: Double = 20
    /// Feeds polled at once (`rss.poll.concurrency`, default 4).
    public var concurrency = 4
    /// The lease asked of WebSub hubs (`rss.websub.lease`, seconds, default 10 days).
    public var leaseSeconds = 10 * 24 * 3600

    public init() {}

    /// The settings from `settings`, defaults where unset; throws naming a key with a bad value.
    public init(_ settings: DriverSettings) throws {
        minimumInterval = Double(try settings.int("rss.poll.minimum", default: 15 * 60, in: 1...(7 * 86400)))
        maximumInterval = Double(try settings.int("rss.poll.maximum", default: 86400, in: Int(minimumInterval)...(30 * 86400)))
        pushedInterval = Double(try settings.int("rss.poll.pushed", default: 86400, in: Int(minimumInterval)...(30 * 86400)))
        itemsPerPoll = try settings.int("rss.poll.items", default: 50, in: 1...1000)
        maximumBytes = try settings.int("rss.fetch.maxBytes", default: 4 << 20, in: 1024...(16 << 20))
        timeout = Double(try settings.int("rss.fetch.timeout", default: 20, in: 1...300))
        concurrency = try settings.int("rss.poll.concurrency", default: 4, in: 1...64)
        leaseSeconds = try settings.int("rss.websub.lease", default: 10 * 86400, in: 60...(365 * 86400))
    }
}
