import Foundation

/// JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1) into the same model.
enum JSONFeedReader {
    /// A JSON media type, or a body whose first non-space byte is `{` and which names a JSON Feed version.
    static func isJSONFeed(_ utf8: Data, mediaType: String) -> Bool {
        if mediaType == "application/feed+json" || mediaType == "application/json" || mediaType.hasSuffix("+json") { return true }
        let head = utf8.prefix(4096)
        guard let first = head.withUnsafeBytes({ $0.first(where: { !$0.isHTMLSpace }) }) else { return false }
        return first == UInt8(ascii: "{") && String(decoding: head, as: UTF8.self).contains("jsonfeed.org/version")
    }

    static func read(_ text: String, transport: FeedTransport, into start: ParsedFeed) -> ParsedFeed {
        var feed = start
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            feed.problem = feed.problem ?? "JSONDecodeError: the document is not a JSON object"
            return feed
        }
        let version = object["version"] as? String ?? ""
        feed.version = version.hasSuffix("/1.1") ? "json11" : version.hasSuffix("/1") ? "json1" : "json"
        let base = transport.baseURL
        feed.title = string(object["title"]).map { FeedText(type: "text/plain", value: $0, base: base) }
        feed.subtitle = string(object["description"]).map { FeedText(type: "text/plain", value: $0, base: base) }
        if let home = string(object["home_page_url"]) {
            feed.link = FeedURI.join(base, home)
            feed.links.append(FeedLink(rel: "alternate", href: feed.link, type: "text/html"))
        }
        if let self_ = string(object["feed_url"]) {
            feed.links.append(FeedLink(rel: "self", href: FeedURI.join(base, self_), type: "application/feed+json"))
        }
        for hub in (object["hubs"] as? [Any] ?? []).prefix(8).compactMap({ $0 as? [String: Any] })
        where (string(hub["type"]) ?? "").caseInsensitiveCompare("WebSub") == .orderedSame {
            if let url = string(hub["url"]) { feed.links.append(FeedLink(rel: "hub", href: FeedURI.join(base, url))) }
        }
        feed.icon = string(object["favicon"]).map { FeedURI.join(base, $0) }
        feed.logo = string(object["icon"]).map { FeedURI.join(base, $0) }
        feed.language = string(object["language"])
        feed.authors = people(object)
        let items = (object["items"] as? [Any] ?? []).prefix(XMLFeedReader.maximumEntries)
        feed.entries = items.compactMap { $0 as? [String: Any] }.map { entry($0, base: base, language: feed.language) }
        return feed
    }

    private static func entry(_ item: [String: Any], base: String, language: String?) -> ParsedEntry {
        var entry = ParsedEntry()
        entry.base = base
        entry.language = string(item["language"]) ?? language
        entry.id = string(item["id"]) ?? (item["id"] as? NSNumber)?.stringValue
        entry.title = string(item["title"]).map { FeedText(type: "text/plain", value: $0, language: entry.language, base: base) }
        entry.summary = string(item["summary"]).map { FeedText(type: "text/plain", value: $0, language: entry.language, base: base) }
        if let html = string(item["content_html"]) {
            let clean = FeedHTML.clean(html, base: base, type: "text/html", resolveURLs: true)
            entry.content.append(FeedText(type: "text/html", value: clean, language: entry.language, base: base))
        }
        if let text = string(item["content_text"]) {
            entry.content.append(FeedText(type: "text/plain", value: text, language: entry.language, base: base))
        }
        if let url = string(item["url"]) {
            entry.link = FeedURI.join(base, url)
            entry.links.append(FeedLink(rel: "alternate", href: entry.link, type: "text/html"))
        }
        if let external = string(item["external_url"]) {
            entry.links.append(FeedLink(rel: "related", href: FeedURI.join(base, external), type: "text/html"))
        }
        entry.published = string(item["date_published"]).map(FeedDate.init(raw:))
        entry.updated = string(item["date_modified"]).map(FeedDate.init(raw:))
        entry.authors = people(item)
        entry.tags = (item["tags"] as? [Any] ?? []).compactMap { string($0) }.map { FeedTag(term: $0) }
        for case let attachment as [String: Any] in item["attachments"] as? [Any] ?? [] {
            guard let url = string(attachment["url"]) else { continue }
            entry.links.append(FeedLink(rel: "enclosure", href: FeedURI.join(base, url), type: string(attachment["mime_type"]),
                                        title: string(attachment["title"]),
                                        length: (attachment["size_in_bytes"] as? NSNumber)?.stringValue))
        }
        return entry
    }

    /// `authors` (1.1) or `author` (1.0).
    private static func people(_ object: [String: Any]) -> [FeedPerson] {
        let list = (object["authors"] as? [Any]) ?? [object["author"]].compactMap { $0 }
        return list.compactMap { $0 as? [String: Any] }.map {
            FeedPerson(name: string($0["name"]), href: string($0["url"]))
        }.filter { !$0.isEmpty }
    }

    /// A non-empty string value, capped like XML fields.
    private static func string(_ value: Any?) -> String? {
        guard let text = value as? String, !text.isEmpty else { return nil }
        return XMLFeedReader.capped(text)
    }
}
