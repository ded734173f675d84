import ArgumentParser
import Foundation
import JunctionCore
import JunctionRSS
import JunctionServer

/// `junction feeds [--json]` and `junction feeds poll [ADDRESS]`: the feeds this hub's channels
/// follow, and polling them now.
struct FeedsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feeds",
        abstract: "List followed feeds: last poll, status, next poll and last error.",
        subcommands: [FeedsList.self, FeedsPoll.self],
        defaultSubcommand: FeedsList.self
    )
}

/// One feed as `junction feeds` shows it.
struct FeedRow: Encodable {
    let address: String
    let name: String
    let url: String
    let followers: Int
    let status: String
    let lastPoll: Date?
    let nextPoll: Date?
    let lastError: String?
    let itemsStored: Int
    let push: String?
    let stored: Int?

    init(_ feed: FeedPoller.Feed, push: PushSubscription?, stored: Int? = nil) {
        address = feed.xchan.address
        name = feed.xchan.name
        url = feed.state.url
        followers = feed.followers
        status = feed.state.status.rawValue
        lastPoll = feed.state.lastPoll
        nextPoll = feed.state.nextPoll
        lastError = feed.state.lastError
        itemsStored = feed.state.itemsStored
        self.push = push.map { "\($0.state.rawValue) at \($0.hub)" + ($0.lastError.map { " (\($0))" } ?? "") }
        self.stored = stored
    }

    var cells: [String] {
        [address, status, lastPoll.map(Self.format) ?? "never", nextPoll.map(Self.format) ?? "-", String(itemsStored),
         (lastError ?? "") + (push.map { lastError == nil ? "push: \($0)" : "; push: \($0)" } ?? "")]
    }

    static func format(_ date: Date) -> String { date.formatted(.iso8601) }
}

struct FeedsList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List followed feeds (the default).")

    @OptionGroup var hub: HubOptions

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        let rows = try await hub.withRuntime { runtime in
            let poller = FeedPoller(registration: runtime.registration, settings: try RSSSettings(runtime.registration.settings))
            var rows: [FeedRow] = []
            for feed in try await poller.feeds() { rows.append(FeedRow(feed, push: try await poller.push(for: feed.xchan))) }
            return rows
        }
        if json { return try printJSON(rows) }
        guard !rows.isEmpty else { return print("no channel follows a feed") }
        printTable(["FEED", "STATUS", "LAST POLL", "NEXT POLL", "ITEMS", "LAST ERROR"], rows.map(\.cells))
    }
}

struct FeedsPoll: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "poll", abstract: "Poll followed feeds now (every feed not gone, or the one named)."
    )

    @OptionGroup var hub: HubOptions

    @Argument(help: "A followed feed's address (its URL); all feeds when left out.")
    var address: String?

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        let rows = try await hub.withRuntime { runtime in
            let poller = FeedPoller(registration: runtime.registration, settings: try RSSSettings(runtime.registration.settings))
            let feeds = try await poller.feeds()
            var outcomes: [FeedPoller.Outcome]
            if let address {
                guard let feed = feeds.first(where: { $0.xchan.address.caseInsensitiveCompare(address) == .orderedSame || $0.state.url == address })
                else { throw JunctionError.notFound("no channel follows the feed '\(address)'") }
                outcomes = [try await poller.poll(feed.xchan)]
            } else {
                outcomes = try await poller.pollDue(force: true).outcomes
            }
            var rows: [FeedRow] = []
            for outcome in outcomes.sorted(by: { $0.feed.address < $1.feed.address }) {
                let followers = feeds.first { $0.xchan.hash == outcome.feed.hash }?.followers ?? 0
                rows.append(FeedRow(FeedPoller.Feed(xchan: outcome.feed, state: outcome.state, followers: followers),
                                    push: try await poller.push(for: outcome.feed), stored: outcome.stored))
            }
            return rows
        }
        if json { return try printJSON(rows) }
        guard !rows.isEmpty else { return print("no feed to poll") }
        for row in rows {
            let result = row.lastError.map { "\(row.status): \($0)" } ?? "\(row.status), \(row.stored ?? 0) new item(s)"
            print("\(row.address): \(result)")
        }
    }
}
