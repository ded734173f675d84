import Foundation
@testable import JunctionRSS
import JunctionCore
import Testing

/// The pure parts of following feeds: autodiscovery, the poll schedule, item ids and mapping,
/// WebSub signatures and forms.
struct FollowingTests {
    @Test("autodiscovery prefers posts over comments, Atom over RSS, resolves against <base>, ignores non-feed links")
    func autodiscovery() throws {
        let page = Data("""
            <html><head><base href="https://blog.example/sub/">
            <link rel="stylesheet" type="text/css" href="/style.css">
            <link rel="alternate" type="application/rss+xml" title="Comments" href="/comments/feed">
            <link rel="alternate" type="application/rss+xml" title="Posts" href="feed.rss">
            <link rel="ALTERNATE nofollow" type="application/atom+xml; charset=utf-8" href="atom.xml">
            <link rel="alternate" type="text/html" href="/other">
            <link rel="alternate" type="application/feed+json" href="javascript:alert(1)">
            </head><body><link rel="feed" type="application/feed+json" href="https://blog.example/feed.json"></body></html>
            """.utf8)
        let found = FeedAutodiscovery.feeds(inPage: page, url: try #require(URL(string: "https://blog.example/page")), charset: nil)
        #expect(found.map(\.absoluteString) == ["https://blog.example/sub/atom.xml", "https://blog.example/sub/feed.rss",
                                                "https://blog.example/feed.json", "https://blog.example/comments/feed"])
        #expect(FeedAutodiscovery.feeds(inPage: Data("not html at all \u{0}".utf8), url: URL(string: "https://x/")!, charset: nil).isEmpty)
        #expect(FeedDecoding.split(contentType: "text/html; charset=\"ISO-8859-1\"").1 == "iso-8859-1")
    }

    @Test("the interval follows the feed's cadence within bounds; failures back off exponentially up to the maximum")
    func schedule() {
        let schedule = FeedSchedule(settings: RSSSettings())
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let daily = (0..<10).map { now.addingTimeInterval(Double(-$0) * 86400) }
        #expect(schedule.interval(entryDates: daily, previous: nil, newItems: 1) == 43200)
        let minutely = (0..<10).map { now.addingTimeInterval(Double(-$0) * 60) }
        #expect(schedule.interval(entryDates: minutely, previous: nil, newItems: 1) == 900, "never below 15 minutes")
        let yearly = (0..<10).map { now.addingTimeInterval(Double(-$0) * 365 * 86400) }
        #expect(schedule.interval(entryDates: yearly, previous: nil, newItems: 0) == 86400, "never above a day")
        #expect(schedule.interval(entryDates: [], previous: 3600, newItems: 0) == 5400)
        #expect(schedule.interval(entryDates: [], previous: 3600, newItems: 2) == 1800)
        #expect(schedule.backoff(failures: 1, random: 0.5) == 900)
        #expect(schedule.backoff(failures: 3, random: 0.5) == 3600)
        #expect(schedule.backoff(failures: 20, random: 0.5) == 86400)
    }

    @Test("an entry becomes a public rss item: id, title, sanitised body, dates not in the future, tags, enclosures, link")
    func entryItem() throws {
        let feed = XChan(hash: "https://blog.example/feed", address: "https://blog.example/feed", name: "Blog", network: "rss")
        let parsed = FeedParser.parse(Data("""
            <rss version="2.0"><channel><title>t</title>
            <item><guid isPermaLink="false">42</guid><title>Hi &amp; bye</title><link>https://blog.example/42</link>
            <description>&lt;p onclick="x()"&gt;Body&lt;/p&gt;</description><pubDate>Mon, 02 Nov 2026 10:00:00 GMT</pubDate>
            <category>news</category><enclosure url="https://blog.example/a.mp3" length="123" type="audio/mpeg"/></item>
            <item><guid>https://blog.example/43</guid><title>Future</title><pubDate>Fri, 01 Jan 2100 00:00:00 GMT</pubDate></item>
            </channel></rss>
            """.utf8), transport: FeedTransport(url: "https://blog.example/feed"))
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let first = FeedEntryItem.item(parsed.entries[0], feed: feed, channelID: 7, now: now)
        #expect(first.mid == "https://blog.example/feed#42", "a bare guid is scoped to its feed")
        #expect(first.title == "Hi & bye" && first.objectType == .article)
        #expect(first.body == "<p>Body</p>" && first.mimeType == "text/html")
        #expect(first.authorXChan == feed.hash && first.ownerXChan == feed.hash && !first.isPrivate && first.originNetwork == "rss")
        #expect(first.tags == [Item.Tag(kind: .category, name: "news")])
        #expect(first.attachments == [Item.Attachment(url: "https://blog.example/a.mp3", mimeType: "audio/mpeg", size: 123)])
        #expect(first.plink == "https://blog.example/42")
        #expect(first.created == Date(timeIntervalSince1970: 1_793_613_600))
        let html = FeedText(type: "text/html", value: "<b>Tom</b> &amp; <i>Jerry</i>&#8217;s &eacute;t&eacute;")
        #expect(PlainText.of(html) == "Tom & Jerry\u{2019}s été", "an HTML title is read as text")
        let second = FeedEntryItem.item(parsed.entries[1], feed: feed, channelID: 7, now: now)
        #expect(second.mid == "https://blog.example/43")
        #expect(second.created == now, "a date in the future is clamped to now")
    }

    @Test("X-Hub-Signature: sha256 signs, every WebSub method verifies, tampering fails; forms round-trip")
    func signaturesAndForms() {
        let body = Data("<feed/>".utf8)
        let header = HubSignature.sign(body, secret: "key")
        // Reference values from Python's hmac module.
        #expect(header == "sha256=1024b4348490f3a9f5456a4f474a1db3fc482391906590310fbbe0ad71f86d8a")
        #expect(HubSignature.verify(header, body: body, secret: "key"))
        #expect(HubSignature.verify("SHA256=" + header.dropFirst(7).uppercased(), body: body, secret: "key"))
        #expect(!HubSignature.verify(header, body: Data("<feed />".utf8), secret: "key"))
        #expect(!HubSignature.verify(header, body: body, secret: "other"))
        #expect(!HubSignature.verify("md5=00", body: body, secret: "key"))
        #expect(HubSignature.verify("sha1=aae08827d06d53607772c7ccb77533e223a6572f", body: body, secret: "key"))
        #expect(HubSignature.verify("sha512=941f9c2b51a75214be370c5ece480f01a4f624b90a02e5ada7edcafbbf39c7248db687a562e5cc86fe3aaa4e3d40c8fb4b4d1858c2912edebc9a96b74d142313",
                                    body: body, secret: "key"))
        let fields = [("hub.topic", "https://x/feed?a=1&b=2"), ("hub.secret", "a+b c")]
        let decoded = FormEncoding.decode(FormEncoding.encode(fields))
        #expect(decoded == ["hub.topic": "https://x/feed?a=1&b=2", "hub.secret": "a+b c"])
        #expect(FormEncoding.decode("a=1+2&b=%41&a=3&c") == ["a": "1 2", "b": "A", "c": ""])
    }
}
