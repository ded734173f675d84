import Foundation
import JunctionCore
import JunctionXML

/// The xchan of a followed feed: keyed and addressed by the feed's URL, named by its title.
enum FeedIdentity {
    static func xchan(of feed: ParsedFeed, url: URL, now: Date = Date()) -> XChan {
        let title = feed.title.map(PlainText.of).flatMap { $0.isEmpty ? nil : $0 }
        return XChan(hash: url.absoluteString, address: url.absoluteString, name: String((title ?? url.host ?? url.absoluteString).prefix(255)),
                     network: RSSDriver.networkName, photoURL: feed.icon ?? feed.logo ?? feed.image, url: feed.link,
                     created: now, updated: now)
    }
}

/// Plain text of a feed text construct (titles may be HTML): an HTML value's text as libxml2's
/// HTML parser reads it, references decoded and tags dropped.
enum PlainText {
    static func of(_ text: FeedText) -> String {
        let plain = text.isHTML ? (try? XMLTree(html: Data(text.value.utf8), encoding: "utf-8"))?.root?.text ?? "" : text.value
        return plain.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
