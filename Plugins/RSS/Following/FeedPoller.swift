public import Foundation
public import JunctionCore
import JunctionServer
import Logging

/// Reads followed feeds and stores their new entries in the followers' streams.
///
/// A poll is a conditional GET (`If-None-Match`, `If-Modified-Since`) of the feed's current URL;
/// gzip and deflate are undone with the size cap applied to the result; a permanent redirect
/// moves the feed for good. Of a document read, the newest ``RSSSettings/itemsPerPoll`` entries
/// are candidates, and each follower gets those its stream does not hold yet, oldest first,
/// through the item pipeline (`itemStore`), so a re-poll, a restart or a second hub process
/// never stores one twice. Every outcome lands in the feed's ``FeedState``.
public struct FeedPoller: Sendable {
    let store: any Store
    let items: ItemPipeline
    let fetcher: any Fetcher
    let settings: RSSSettings
    let schedule: FeedSchedule
    let subscriber: WebSubSubscriber
    let logger: Logger

    public init(registration: DriverRegistration, settings: RSSSettings) {
        store = registration.store
        items = registration.items
        fetcher = registration.fetcher
        self.settings = settings
        schedule = FeedSchedule(settings: settings)
        subscriber = WebSubSubscriber(registration: registration, leaseSeconds: settings.leaseSeconds)
        logger = registration.logger
    }

    /// A followed feed, its poll state and how many channels follow it.
    public struct Feed: Sendable {
        public var xchan: XChan
        public var state: FeedState
        public var followers: Int

        public init(xchan: XChan, state: FeedState, followers: Int) {
            self.xchan = xchan
            self.state = state
            self.followers = followers
        }
    }

    /// Every feed a local channel follows.
    public func feeds() async throws -> [Feed] {
        try await store.read { session in
            var feeds: [Feed] = []
            for xchan in try await session.connectedXChans(network: RSSDriver.networkName) {
                feeds.append(Feed(xchan: xchan, state: try await FeedState.load(xchan, in: session),
                                  followers: try await session.abooks(xchanHash: xchan.hash).count))
            }
            return feeds
        }
    }

    /// This hub's WebSub subscription to `feed`'s hub, if it has one.
    public func push(for feed: XChan) async throws -> PushSubscription? {
        try await store.read { try await PushSubscription.load(feed.hash, in: $0) }
    }

    /// What one poll did.
    public struct Outcome: Sendable {
        public var feed: XChan
        public var state: FeedState
        /// Items stored (over all followers).
        public var stored: Int
    }

    /// Polls every feed that is due (all of them with `force`, except those gone); returns what
    /// each poll did and when the next one is due.
    public func pollDue(now: Date = Date(), force: Bool = false) async throws -> (outcomes: [Outcome], nextDue: Date?) {
        let feeds = try await feeds()
        let due = feeds.filter { feed in
            guard feed.state.status != .gone else { return false }
            return force || (feed.state.nextPoll ?? .distantPast) <= now
        }
        var outcomes: [Outcome] = []
        await withTaskGroup(of: Outcome?.self) { group in
            var pending = due.makeIterator()
            for _ in 0..<settings.concurrency {
                guard let feed = pending.next() else { break }
                group.addTask { await pollLogged(feed.xchan, now: now) }
            }
            while let outcome = await group.next() {
                if let outcome { outcomes.append(outcome) }
                if let feed = pending.next() { group.addTask { await pollLogged(feed.xchan, now: now) } }
            }
        }
        let polled = Dictionary(outcomes.map { ($0.feed.hash, $0.state) }, uniquingKeysWith: { first, _ in first })
        let nextDue = feeds.compactMap { polled[$0.xchan.hash]?.nextPoll ?? ($0.state.status == .gone ? nil : $0.state.nextPoll ?? now) }.min()
        return (outcomes, nextDue)
    }

    /// Polls one feed now, whatever its state (a gone feed too: the operator asked).
    public func poll(_ feed: XChan, now: Date = Date()) async throws -> Outcome {
        var state = try await store.read { try await FeedState.load(feed, in: $0) }
        state.lastPoll = now
        var headers: [(name: String, value: String)] = []
        if let etag = state.etag { headers.append(("If-None-Match", etag)) }
        if let lastModified = state.lastModified { headers.append(("If-Modified-Since", lastModified)) }
        var stored = 0
        guard let url = URL(string: state.url) ?? URL(string: feed.address) else {
            throw JunctionError.invalidInput("the feed '\(feed.address)' has no URL to poll")
        }
        do {
            let response = try await fetcher.fetch(FeedRequest.get(url, settings: settings, headers: headers))
            let moved = FeedRequest.canonicalURL(requested: url, response: response)
            if moved != url {
                logger.info("feed moved permanently", metadata: ["feed": "\(feed.address)", "to": "\(moved.absoluteString)"])
                state.url = moved.absoluteString
            }
            switch response.status {
            case 304:
                succeeded(&state, interval: schedule.clamp((state.interval ?? settings.minimumInterval) * 1.5), now: now)
            case 200..<300:
                let parsed = FeedParser.parse(response.body, transport: FeedRequest.transport(of: response))
                guard !parsed.version.isEmpty else {
                    failed(&state, .failing, "\(url.absoluteString) is not a feed any more (\(parsed.problem ?? response.mediaType ?? "no feed elements"))", now: now)
                    break
                }
                stored = try await takeIn(parsed, from: feed, now: now)
                state.etag = response.header("ETag")
                state.lastModified = response.header("Last-Modified")
                state.itemsStored += stored
                let dates = parsed.entries.compactMap { FeedEntryItem.date(of: $0, now: now) }
                succeeded(&state, interval: schedule.interval(entryDates: dates, previous: state.interval, newItems: stored), now: now)
                await subscriber.subscribeIfAdvertised(parsed, feed: feed, feedURL: state.url, now: now)
            case 410:
                state.status = .gone
                state.failures += 1
                state.lastError = "\(url.absoluteString) answered HTTP 410 Gone: the feed was removed; it is no longer polled"
                state.nextPoll = nil
            case 404:
                failed(&state, .notFound, "\(url.absoluteString) answered HTTP 404 Not Found", now: now)
            default:
                failed(&state, .failing, "\(url.absoluteString) answered HTTP \(response.status)", now: now)
                if let wait = response.header("Retry-After").flatMap(PostQueueDriver.retryAfterSeconds), let next = state.nextPoll {
                    state.nextPoll = max(next, now.addingTimeInterval(min(wait, settings.maximumInterval)))
                }
            }
        } catch let error as FetchError {
            failed(&state, .failing, error.message, now: now)
        }
        if state.status == .ok, let next = state.nextPoll,
           try await store.read({ try await PushSubscription.load(feed.hash, in: $0) })?.isActive(at: now) == true {
            state.nextPoll = max(next, now.addingTimeInterval(settings.pushedInterval))  // pushed: polling is the fallback
        }
        let final = state
        try await store.write { try await final.save(for: feed, in: $0) }
        if state.status != .ok {
            logger.notice("feed poll failed", metadata: ["feed": "\(feed.address)", "reason": "\(state.lastError ?? "")"])
        }
        return Outcome(feed: feed, state: state, stored: stored)
    }

    /// ``poll(_:now:)`` for the background: a failure (the store not answering) is logged.
    private func pollLogged(_ feed: XChan, now: Date) async -> Outcome? {
        do {
            return try await poll(feed, now: now)
        } catch {
            logger.error("polling a feed failed", metadata: ["feed": "\(feed.address)", "error": "\(error)"])
            return nil
        }
    }

    /// Stores what a feed document (polled or pushed) brings: its newest entries, for every
    /// follower that does not hold them yet, oldest first. Returns how many items were stored.
    func takeIn(_ parsed: ParsedFeed, from feed: XChan, now: Date) async throws -> Int {
        let candidates = parsed.entries.enumerated().sorted { left, right in
            switch (FeedEntryItem.date(of: left.element, now: now), FeedEntryItem.date(of: right.element, now: now)) {
            case let (l?, r?) where l != r: l > r
            case (_?, nil): true
            case (nil, _?): false
            default: left.offset < right.offset
            }
        }.prefix(settings.itemsPerPoll).map(\.element).reversed()
        var stored = 0
        let followers = try await store.read { try await $0.abooks(xchanHash: feed.hash) }
            .filter { !$0.isBlocked && !$0.isIgnored && !$0.isPending }
        for follower in followers {
            let missing = try await store.read { session in
                var missing: [Item] = []
                for entry in candidates {
                    let item = FeedEntryItem.item(entry, feed: feed, channelID: follower.channelID, now: now)
                    if try await session.item(channelID: follower.channelID, mid: item.mid) == nil { missing.append(item) }
                }
                return missing
            }
            for item in missing {
                if case .stored = try await items.receive(item, network: RSSDriver.networkName, now: now) { stored += 1 }
            }
        }
        return stored
    }

    private func succeeded(_ state: inout FeedState, interval: Double, now: Date) {
        state.status = .ok
        state.failures = 0
        state.lastError = nil
        state.lastSuccess = now
        state.interval = interval
        state.nextPoll = now.addingTimeInterval(interval)
    }

    private func failed(_ state: inout FeedState, _ status: FeedState.Status, _ reason: String, now: Date) {
        state.status = status
        state.failures += 1
        state.lastError = reason
        state.nextPoll = now.addingTimeInterval(schedule.backoff(failures: state.failures, random: Double.random(in: 0..<1)))
    }
}
