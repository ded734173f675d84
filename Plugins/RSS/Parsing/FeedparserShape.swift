import Foundation

/// The parse result in Python feedparser 6.0's result shape (plain JSON values), which the
/// corpus runner `scripts/feedparser-expect.py` evaluates feedparser's own expectations against.
extension ParsedFeed {
    /// `{bozo, bozo_exception, encoding, version, feed, entries}` as JSON-ready values.
    public func feedparserObject() -> [String: Any] {
        var object: [String: Any] = ["bozo": problem != nil, "encoding": encoding, "version": version]
        if let problem { object["bozo_exception"] = problem }
        var feed: [String: Any] = [:]
        Self.put(title, "title", in: &feed)
        Self.put(subtitle, "subtitle", in: &feed)
        Self.putCommon(links: links, link: link, id: id, authors: authors, authorText: authorText, published: published,
                       updated: updated, tags: tags, in: &feed)
        if let language { feed["language"] = language }
        if let icon { feed["icon"] = icon }
        if let logo { feed["logo"] = logo }
        if let image { feed["image"] = ["href": image] }
        object["feed"] = feed
        object["entries"] = entries.map { $0.feedparserObject() }
        return object
    }

    static func put(_ text: FeedText?, _ key: String, in object: inout [String: Any]) {
        guard let text else { return }
        object[key] = text.value
        object[key + "_detail"] = detail(text)
    }

    static func detail(_ text: FeedText) -> [String: Any] {
        var detail: [String: Any] = ["type": text.type, "language": text.language as Any? ?? NSNull(), "base": text.base, "value": text.value]
        if let source = text.source { detail["src"] = source }
        return detail
    }

    static func putCommon(links: [FeedLink], link: String?, id: String?, authors: [FeedPerson], authorText: String?,
                          published: FeedDate?, updated: FeedDate?, tags: [FeedTag], in object: inout [String: Any]) {
        if !links.isEmpty {
            object["links"] = links.map { link -> [String: Any] in
                var out: [String: Any] = ["rel": link.rel]
                for (key, value) in [("href", link.href), ("type", link.type), ("title", link.title), ("length", link.length), ("hreflang", link.hreflang)] {
                    if let value { out[key] = value }
                }
                return out
            }
        }
        if let link { object["link"] = link }
        if let id { object["id"] = id }
        if !authors.isEmpty {
            var merged = FeedPerson()
            for person in authors {
                merged.name = person.name ?? merged.name
                merged.email = person.email ?? merged.email
                merged.href = person.href ?? merged.href
            }
            object["author_detail"] = personObject(merged)
            object["authors"] = authors.map(personObject)
            let display = [merged.name, merged.email.map { merged.name == nil ? $0 : "(\($0))" }].compactMap { $0 }.joined(separator: " ")
            if let text = authorText ?? display.nonEmpty { object["author"] = text }
        }
        for (key, date) in [("published", published), ("updated", updated)] {
            guard let date else { continue }
            object[key] = date.raw
            object[key + "_parsed"] = date.date.map(timeTuple) ?? NSNull()
        }
        if !tags.isEmpty {
            object["tags"] = tags.map { ["term": $0.term as Any? ?? NSNull(), "scheme": $0.scheme as Any? ?? NSNull(), "label": $0.label as Any? ?? NSNull()] }
        }
    }

    private static func personObject(_ person: FeedPerson) -> [String: Any] {
        var out: [String: Any] = [:]
        if let name = person.name { out["name"] = name }
        if let email = person.email { out["email"] = email }
        if let href = person.href { out["href"] = href }
        return out
    }

    /// Python's `time.gmtime()` tuple: year, month, day, hour, minute, second, weekday
    /// (Monday 0), day of the year, 0.
    static func timeTuple(_ date: Date) -> [Int] {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let days = Int((Double(seconds) / 86_400).rounded(.down))
        let secondOfDay = seconds - days * 86_400
        // civil from days (Howard Hinnant)
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        let weekday = ((days % 7) + 7 + 3) % 7
        let yday = days - FeedDateParser.daysFromCivil(year: year, month: 1, day: 1) + 1
        return [year, month, day, secondOfDay / 3600, secondOfDay % 3600 / 60, secondOfDay % 60, weekday, yday, 0]
    }
}

extension ParsedEntry {
    func feedparserObject() -> [String: Any] {
        var object: [String: Any] = ["guidislink": guidIsLink]
        ParsedFeed.put(title, "title", in: &object)
        ParsedFeed.put(summary, "summary", in: &object)
        if summary == nil, let body = content.first(where: { $0.type == "text/plain" || $0.isHTML }) {
            object["summary"] = body.value
        }
        if !content.isEmpty { object["content"] = content.map(ParsedFeed.detail) }
        ParsedFeed.putCommon(links: links, link: link, id: id, authors: authors, authorText: authorText, published: published,
                             updated: updated, tags: tags, in: &object)
        return object
    }
}
