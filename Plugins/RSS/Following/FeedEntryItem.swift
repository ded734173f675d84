import Foundation
import JunctionCore

/// A feed entry as an ``Item`` in a follower's stream: authored and owned by the feed's xchan,
/// public, of origin network `rss`, with the entry's link as its `plink`.
enum FeedEntryItem {
    /// The item id of `entry` of `feed`: the entry's id when it is an absolute URI (an Atom id,
    /// a permalink guid), else the feed's URL with the id as fragment, so two feeds numbering
    /// their items 1, 2, 3 never collide.
    static func mid(of entry: ParsedEntry, feed: XChan) -> String {
        let id = entry.stableID
        if let scheme = URL(string: id)?.scheme, !scheme.isEmpty, id.count <= 1024 { return id }
        return feed.hash + "#" + (id.addingPercentEncoding(withAllowedCharacters: .urlFragmentAllowed) ?? id)
    }

    /// The entry's date: published, else updated, never in the future.
    static func date(of entry: ParsedEntry, now: Date) -> Date? {
        (entry.published?.date ?? entry.updated?.date).map { min($0, now) }
    }

    static func item(_ entry: ParsedEntry, feed: XChan, channelID: Int64, now: Date) -> Item {
        let text = entry.content.first(where: \.isHTML) ?? entry.content.first ?? entry.summary
        let created = date(of: entry, now: now) ?? now
        let title = entry.title.map(PlainText.of).flatMap { $0.isEmpty ? nil : $0 }
        return Item(
            channelID: channelID, mid: mid(of: entry, feed: feed), objectType: title == nil ? .note : .article,
            authorXChan: feed.hash, ownerXChan: feed.hash, title: title, body: text?.value ?? "",
            mimeType: text?.isHTML == true ? "text/html" : "text/plain",
            attachments: entry.attachments.compactMap { link in
                link.href.map { Item.Attachment(url: $0, mimeType: link.type, size: link.length.flatMap { Int64($0) }, title: link.title) }
            },
            tags: entry.tags.compactMap { tag in
                (tag.term ?? tag.label).flatMap { $0.isEmpty ? nil : Item.Tag(kind: .category, name: $0, url: tag.scheme) }
            },
            created: created, edited: entry.updated?.date.map { max(min($0, now), created) } ?? created,
            received: now, originNetwork: RSSDriver.networkName, isOrigin: false, plink: entry.link
        )
    }
}
