import Foundation
import JunctionCore

/// What a channel publishes: its identity and its recent public posts, with the URLs the
/// documents link to.
struct ChannelFeed: Sendable {
    /// How many posts a feed or page lists.
    static let size = 50

    let channel: Channel
    let xchan: XChan
    let items: [Item]
    let domain: HubDomain

    var pageURL: String { channel.url(on: domain) }
    var address: String { channel.address(on: domain) }
    /// This hub's WebSub hub, which the feeds advertise.
    var hubURL: String { "\(domain.baseURL)/websub" }

    /// When anything in the feed last changed: the newest edit, else the channel's creation.
    var updated: Date { items.map(\.edited).max() ?? channel.created }

    /// An item's permalink: its anchor on the channel page.
    func link(for item: Item) -> String { "\(pageURL)#\(anchor(for: item))" }

    /// The page anchor of an item: the last path segment of its id.
    func anchor(for item: Item) -> String { String(item.mid.split(separator: "/").last ?? "") }

    /// An item's body as HTML: HTML cleaned to the feed allowlist (no scripts, handlers or
    /// `javascript:` links reach readers of the page or feeds), other text escaped with its line
    /// breaks kept.
    func html(of item: Item) -> String {
        if item.mimeType == "text/html" { return FeedHTML.clean(item.body, base: pageURL, type: "text/html", resolveURLs: true) }
        return item.body.components(separatedBy: "\n\n")
            .map { "<p>" + XMLText.escape($0).replacingOccurrences(of: "\n", with: "<br>") + "</p>" }
            .joined()
    }

    /// Loads the feed of public channel `handle`; nil when there is no such public channel.
    static func load(handle text: String, store: any Store, domain: HubDomain) async throws -> ChannelFeed? {
        guard let handle = try? Handle(text) else { return nil }
        return try await store.read { session in
            guard let channel = try await session.channel(handle: handle), channel.isPublicStream,
                  let xchan = try await session.xchan(hash: channel.xchanHash), !xchan.isDeleted else { return nil }
            let items = try await session.publicPosts(channelID: channel.id, authorXChan: channel.xchanHash, after: nil, limit: size)
            return ChannelFeed(channel: channel, xchan: xchan, items: items, domain: domain)
        }
    }
}
