import Foundation

/// A large RSS 2.0 feed shaped like a busy news site's: every item has a title (some with
/// entities), a link, a guid, a date, one to three categories and an author; descriptions carry
/// escaped HTML (paragraphs, links, emphasis, images), every fourth item a longer
/// `content:encoded` in CDATA and every tenth an enclosure. Deterministic: the same `items`
/// give the same bytes.
enum GeneratedFeed {
    static func rss(items: Int) -> Data {
        var random = SplitMix(seed: 0x6A75_6E63)
        let dates = rfc822Formatter()
        var xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" \
            xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">
            <channel>
            <title>The Daily Junction</title>
            <link>https://news.example.org/</link>
            <description>Everything that happened, as it happened.</description>
            <language>en-gb</language>
            <lastBuildDate>Sun, 22 Nov 2026 09:00:00 +0000</lastBuildDate>
            <atom:link href="https://news.example.org/feed.xml" rel="self" type="application/rss+xml"/>
            <image><url>https://news.example.org/logo.png</url><title>The Daily Junction</title>\
            <link>https://news.example.org/</link></image>

            """
        let start = Date(timeIntervalSince1970: 1_795_338_000)
        for index in 0..<items {
            let title = random.sentence(words: 4...10)
            let slug = title.lowercased().split(separator: " ").prefix(5).joined(separator: "-")
                .filter { $0.isLetter || $0 == "-" }
            let link = "https://news.example.org/\(2026 - index / 3000)/\(slug)-\(index)"
            let date = start.addingTimeInterval(-Double(index) * 1021)
            xml += "<item>\n<title>\(escape(title))\(index % 7 == 0 ? " &amp; more" : "")</title>\n"
            xml += "<link>\(link)</link>\n"
            xml += "<guid isPermaLink=\"false\">urn:uuid:\(uuid(index))</guid>\n"
            xml += "<pubDate>\(dates.string(from: date))</pubDate>\n"
            xml += "<dc:creator>\(random.pick(authors))</dc:creator>\n"
            for _ in 0..<random.int(1...3) { xml += "<category>\(random.pick(categories))</category>\n" }
            xml += "<description>\(escape(random.html(link: link, paragraphs: 1...2)))</description>\n"
            if index % 4 == 0 {
                xml += "<content:encoded><![CDATA[\(random.html(link: link, paragraphs: 3...5))]]></content:encoded>\n"
            }
            if index % 10 == 0 {
                xml += "<enclosure url=\"https://media.example.org/\(index).mp3\" length=\"\(random.int(1_000_000...9_000_000))\" type=\"audio/mpeg\"/>\n"
            }
            xml += "</item>\n"
        }
        xml += "</channel>\n</rss>\n"
        return Data(xml.utf8)
    }

    static let authors = ["Ada Mensah", "Bruno Keller", "Chiara Rossi", "Dmitri Volkov", "Eun-ji Park", "Farah Haddad", "Gwen O'Neil"]
    static let categories = ["World", "Politics", "Science", "Technology", "Culture", "Sport", "Business", "Climate", "Health", "Opinion"]

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }

    static func uuid(_ index: Int) -> String {
        String(format: "5f0c%04x-%04x-4%03x-8%03x-%012x", index >> 16, index & 0xFFFF, index % 0xFFF, (index * 7) % 0xFFF, index * 7919)
    }

    /// RFC 822 dates as feeds write them: `Sun, 22 Nov 2026 09:00:00 +0000`.
    static func rfc822Formatter() -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: 0)
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter
    }
}

/// A small deterministic random source (SplitMix64) with the helpers the feed needs.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }

    mutating func pick<T>(_ values: [T]) -> T { values[int(0...values.count - 1)] }

    static let words = """
        the council said on tuesday that new rules for water and energy would take effect next year after \
        months of talks between ministers unions and local groups who had warned about rising costs in rural \
        areas while researchers found early signs of recovery in coastal towns where fishing markets opened \
        again under a plan backed by regional banks schools hospitals and small firms across the country
        """.split(separator: " ").map(String.init)

    mutating func sentence(words count: ClosedRange<Int>) -> String {
        let text = (0..<int(count)).map { _ in pick(Self.words) }.joined(separator: " ")
        return text.prefix(1).uppercased() + text.dropFirst()
    }

    /// Paragraphs of prose with a link, emphasis and, now and then, an image.
    mutating func html(link: String, paragraphs: ClosedRange<Int>) -> String {
        (0..<int(paragraphs)).map { paragraph in
            var text = "<p>\(sentence(words: 8...20)), <a href=\"\(link)#p\(paragraph)\">\(sentence(words: 2...4))</a> "
            text += "<em>\(sentence(words: 2...5))</em>. \(sentence(words: 6...16)).</p>"
            if int(0...4) == 0 {
                text += "<p><img src=\"https://img.example.org/\(next() % 100_000).jpg\" alt=\"\(sentence(words: 2...5))\" width=\"640\" height=\"360\"></p>"
            }
            return text
        }.joined(separator: "\n")
    }
}
