import Foundation
import JunctionCore

/// Writes a ``ChannelFeed`` as RSS 2.0, Atom 1.0 or JSON Feed 1.1.
///
/// Ids are the items' `mid`s (stable across edits and hub restarts), dates are RFC 822 for RSS
/// and RFC 3339 elsewhere, bodies are HTML, and every feed names itself (`self`) and this hub's
/// WebSub hub (`hub`).
enum FeedWriter {
    static func write(_ feed: ChannelFeed, as format: FeedFormat) -> Data {
        switch format {
        case .rss: Data(rss(feed).utf8)
        case .atom: Data(atom(feed).utf8)
        case .json: json(feed)
        }
    }

    static func rss(_ feed: ChannelFeed) -> String {
        let e = XMLText.escape
        var xml = """
        <?xml version="1.0" encoding="UTF-8"?>
        <rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
        <channel>
        <title>\(e(feed.channel.name))</title>
        <link>\(e(feed.pageURL))</link>
        <description>\(e("Public posts of \(feed.address)"))</description>
        <lastBuildDate>\(HTTPDate.format(feed.updated))</lastBuildDate>
        <atom:link rel="self" type="\(FeedFormat.rss.mediaType)" href="\(e(FeedFormat.rss.url(for: feed.channel.handle, domain: feed.domain)))"/>
        <atom:link rel="hub" href="\(e(feed.hubURL))"/>

        """
        for item in feed.items {
            xml += "<item>\n"
            if let title = item.title { xml += "<title>\(e(title))</title>\n" }
            xml += """
            <link>\(e(feed.link(for: item)))</link>
            <guid isPermaLink="false">\(e(item.mid))</guid>
            <pubDate>\(HTTPDate.format(item.created))</pubDate>
            <author>\(e("\(feed.address) (\(feed.channel.name))"))</author>
            <description>\(e(feed.html(of: item)))</description>

            """
            for tag in item.tags { xml += "<category>\(e(tag.name))</category>\n" }
            for attachment in item.attachments {
                xml += "<enclosure url=\"\(e(attachment.url))\" length=\"\(attachment.size ?? 0)\" type=\"\(e(attachment.mimeType ?? "application/octet-stream"))\"/>\n"
            }
            xml += "</item>\n"
        }
        return xml + "</channel>\n</rss>\n"
    }

    static func atom(_ feed: ChannelFeed) -> String {
        let e = XMLText.escape
        var xml = """
        <?xml version="1.0" encoding="UTF-8"?>
        <feed xmlns="http://www.w3.org/2005/Atom">
        <id>\(e(feed.pageURL))</id>
        <title>\(e(feed.channel.name))</title>
        <updated>\(rfc3339(feed.updated))</updated>
        <author><name>\(e(feed.channel.name))</name><uri>\(e(feed.pageURL))</uri></author>
        <link rel="alternate" type="text/html" href="\(e(feed.pageURL))"/>
        <link rel="self" type="\(FeedFormat.atom.mediaType)" href="\(e(FeedFormat.atom.url(for: feed.channel.handle, domain: feed.domain)))"/>
        <link rel="hub" href="\(e(feed.hubURL))"/>

        """
        for item in feed.items {
            xml += """
            <entry>
            <id>\(e(item.mid))</id>
            <title type="text">\(e(item.title ?? ""))</title>
            <link rel="alternate" type="text/html" href="\(e(feed.link(for: item)))"/>
            <published>\(rfc3339(item.created))</published>
            <updated>\(rfc3339(item.edited))</updated>
            <content type="html">\(e(feed.html(of: item)))</content>

            """
            for tag in item.tags { xml += "<category term=\"\(e(tag.name))\"/>\n" }
            for attachment in item.attachments {
                let length = attachment.size.map { " length=\"\($0)\"" } ?? ""
                xml += "<link rel=\"enclosure\" href=\"\(e(attachment.url))\" type=\"\(e(attachment.mimeType ?? "application/octet-stream"))\"\(length)/>\n"
            }
            xml += "</entry>\n"
        }
        return xml + "</feed>\n"
    }

    static func json(_ feed: ChannelFeed) -> Data {
        let items: [[String: Any]] = feed.items.map { item in
            var out: [String: Any] = [
                "id": item.mid, "url": feed.link(for: item), "content_html": feed.html(of: item),
                "date_published": rfc3339(item.created), "date_modified": rfc3339(item.edited),
            ]
            if let title = item.title { out["title"] = title }
            if !item.tags.isEmpty { out["tags"] = item.tags.map(\.name) }
            if !item.attachments.isEmpty {
                out["attachments"] = item.attachments.map { attachment -> [String: Any] in
                    var out: [String: Any] = ["url": attachment.url, "mime_type": attachment.mimeType ?? "application/octet-stream"]
                    if let size = attachment.size { out["size_in_bytes"] = size }
                    return out
                }
            }
            return out
        }
        let document: [String: Any] = [
            "version": "https://jsonfeed.org/version/1.1",
            "title": feed.channel.name,
            "home_page_url": feed.pageURL,
            "feed_url": FeedFormat.json.url(for: feed.channel.handle, domain: feed.domain),
            "hubs": [["type": "WebSub", "url": feed.hubURL]],
            "authors": [["name": feed.channel.name, "url": feed.pageURL]],
            "items": items,
        ]
        return (try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
    }

    /// `2004-01-01T19:48:21Z`.
    static func rfc3339(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: false).timeSeparator(.colon))
    }
}
