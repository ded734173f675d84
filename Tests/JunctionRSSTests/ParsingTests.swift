import Foundation
@testable import JunctionRSS
import Synchronization
import Testing

/// The parse model on hand-made documents: formats, dates, encodings, relative URLs,
/// sanitising, and hostile input that must end in a clear problem, never a crash.
@Suite("Feed parsing")
struct ParsingTests {
    static func parse(_ text: String, transport: FeedTransport = FeedTransport()) -> ParsedFeed {
        FeedParser.parse(Data(text.utf8), transport: transport)
    }

    @Test("RSS 2.0: fields, guid as link, enclosure as attachment, categories as tags")
    func rss20() throws {
        let feed = Self.parse("""
            <?xml version="1.0"?><rss version="2.0"><channel><title>Site</title><link>http://example.org/</link>
            <language>en</language><item><title>One</title><guid>http://example.org/1</guid>
            <description>&lt;p onclick="x()"&gt;Hi&lt;/p&gt;</description><pubDate>Thu, 01 Jan 2004 19:48:21 GMT</pubDate>
            <author>ann@example.org (Ann)</author><category domain="http://example.org/c">news</category>
            <enclosure url="http://example.org/a.mp3" length="12" type="audio/mpeg"/></item></channel></rss>
            """)
        #expect(feed.version == "rss20")
        #expect(feed.problem == nil)
        #expect(feed.title?.value == "Site")
        #expect(feed.language == "en")
        let entry = try #require(feed.entries.first)
        #expect(entry.id == "http://example.org/1")
        #expect(entry.guidIsLink)
        #expect(entry.link == "http://example.org/1")
        #expect(entry.summary == FeedText(type: "text/html", value: "<p>Hi</p>", base: ""))
        #expect(entry.published?.date == Date(timeIntervalSince1970: 1_072_986_501))
        #expect(entry.authors == [FeedPerson(name: "Ann", email: "ann@example.org")])
        #expect(entry.tags == [FeedTag(term: "news", scheme: "http://example.org/c")])
        #expect(entry.attachments == [FeedLink(rel: "enclosure", href: "http://example.org/a.mp3", type: "audio/mpeg", length: "12")])
    }

    @Test("Atom 1.0: xml:base chains resolve links and content URLs; XHTML content loses its div")
    func atomBase() throws {
        let feed = Self.parse("""
            <feed xmlns="http://www.w3.org/2005/Atom" xml:base="http://example.org/blog/" xml:lang="fr"><title>T</title>
            <entry xml:base="posts/"><id>tag:example.org,2024:1</id><title type="html">A &amp;lt;b&amp;gt;</title>
            <link href="42.html"/><updated>2024-03-01T12:00:00+02:00</updated>
            <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><img src="a.png"/> x</div></content></entry></feed>
            """, transport: FeedTransport(url: "http://other.example/feed"))
        #expect(feed.version == "atom10")
        #expect(feed.language == "fr")
        let entry = try #require(feed.entries.first)
        #expect(entry.link == "http://example.org/blog/posts/42.html")
        #expect(entry.content.first?.value == #"<img src="http://example.org/blog/posts/a.png" /> x"#)
        #expect(entry.content.first?.type == "application/xhtml+xml")
        #expect(entry.content.first?.language == "fr")
        #expect(entry.updated?.date == Date(timeIntervalSince1970: 1_709_287_200))
        #expect(entry.stableID == "tag:example.org,2024:1")
    }

    @Test("RSS 1.0 (RDF) and an id-less item gets a stable fallback id")
    func rdf() throws {
        let text = """
            <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
              xmlns:dc="http://purl.org/dc/elements/1.1/"><channel rdf:about="http://example.org/"><title>R</title></channel>
            <item><title>No id</title><link>http://example.org/x</link><dc:date>2004-01-01</dc:date></item></rdf:RDF>
            """
        let first = Self.parse(text), second = Self.parse(text)
        #expect(first.version == "rss10")
        let entry = try #require(first.entries.first)
        #expect(entry.id == nil)
        #expect(entry.stableID.hasPrefix("urn:junction:rss:"))
        #expect(entry.stableID == second.entries.first?.stableID)
        #expect(entry.updated?.date == Date(timeIntervalSince1970: 1_072_915_200))
    }

    @Test("JSON Feed 1.1")
    func jsonFeed() throws {
        let feed = Self.parse("""
            {"version": "https://jsonfeed.org/version/1.1", "title": "J", "home_page_url": "https://example.org/",
             "items": [{"id": "1", "content_html": "<p>x<script>y</script></p>", "url": "/p/1",
                        "attachments": [{"url": "a.mp3", "mime_type": "audio/mpeg", "size_in_bytes": 3}]}]}
            """, transport: FeedTransport(contentType: "application/feed+json", url: "https://example.org/feed.json"))
        #expect(feed.version == "json11")
        let entry = try #require(feed.entries.first)
        #expect(entry.content.first?.value == "<p>x</p>")
        #expect(entry.link == "https://example.org/p/1")
        #expect(entry.attachments.first?.href == "https://example.org/a.mp3")
    }

    @Test("dates: RFC 822 variants, W3C-DTF variants, asctime, and nonsense", arguments: [
        ("Thu, 01 Jan 2004 19:48:21 GMT", 1_072_986_501.0),
        ("01 Jan 04 19:48 +0100", 1_072_982_880),
        ("Thu, 1 January 2004 19:48:21 EST", 1_073_004_501),
        ("Jan 01 2004 19:48:21 GMT", 1_072_986_501),
        ("2004-01-01T19:48:21Z", 1_072_986_501),
        ("2004-01-01T19:48:21.5-05:00", 1_073_004_501),
        ("2004-01-01 19:48:21", 1_072_986_501),
        ("2004-01", 1_072_915_200),
        ("Thu Jan  1 19:48:21 2004", 1_072_986_501),
    ])
    func dates(text: String, seconds: Double) {
        #expect(FeedDateParser.parse(text) == Date(timeIntervalSince1970: seconds))
    }

    @Test("the one-pass reading of the usual RFC 822 form agrees with the general reading", arguments: [
        "Thu, 01 Jan 2004 19:48:21 GMT", "Sun, 22 Nov 2026 09:00:00 +0000", "mon, 5 Feb 2024 23:59:59 -0830",
        "Fri, 13 Mar 2026 07:05:00 +0545", "Thu, 31 Feb 2004 00:00:00 GMT", "Sat, 29 Feb 2025 12:00:00 +0000",
    ])
    func canonicalDates(text: String) {
        #expect(FeedDateParser.canonicalRFC822(text) == FeedDateParser.rfc822(text))
    }

    @Test("unreadable dates keep their text and have no instant", arguments: ["yesterday", "2004-13-45", "", "Thu, 31 Feb 2004 00:00:00 GMT"])
    func badDates(text: String) {
        #expect(FeedDateParser.parse(text) == nil)
    }

    @Test("encodings: BOM, HTTP charset over the declaration, undeclared windows-1252")
    func encodings() throws {
        let body = "<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><rss version=\"2.0\"><channel><title>caf\u{E9}</title></channel></rss>"
        let latin1 = FeedParser.parse(Data(body.data(using: .isoLatin1)!))
        #expect(latin1.encoding == "iso-8859-1")
        #expect(latin1.title?.value == "café")
        let utf16 = FeedParser.parse(Data([0xFF, 0xFE]) + body.replacingOccurrences(of: "iso-8859-1", with: "utf-16").data(using: .utf16LittleEndian)!)
        #expect(utf16.encoding == "utf-16le")
        #expect(utf16.title?.value == "café")
        let overridden = FeedParser.parse(Data(body.utf8), transport: FeedTransport(contentType: "application/xml; charset=utf-8"))
        #expect(overridden.encoding == "utf-8")
        #expect(overridden.title?.value == "café")
        let wrong = FeedParser.parse(Data(body.replacingOccurrences(of: "iso-8859-1", with: "utf-8").data(using: .isoLatin1)!))
        #expect(wrong.encoding == "windows-1252")
        #expect(wrong.isIllFormed)
        #expect(wrong.title?.value == "café")
    }

    @Test("HTML entities in XML are decoded and mark the document ill-formed")
    func htmlEntities() {
        let feed = Self.parse("<rss version=\"2.0\"><channel><title>a&hellip;b &amp; c</title></channel></rss>")
        #expect(feed.title?.value == "a\u{2026}b & c")
        #expect(feed.isIllFormed)
    }

    @Test("sanitiser: scripts, handlers, javascript: and data: URLs, frames and forms are removed")
    func sanitiser() {
        let dirty = """
            <p onclick="x()">a<script>alert(1)</script><a href="javascript:alert(1)">l</a><img src="data:image/png;base64,AA">\
            <iframe src="http://evil/"></iframe><form action="http://evil/"><input name="q"></form><b style="color: red; background: url(x)">b</b></p>
            """
        let clean = FeedHTML.clean(dirty, base: "http://example.org/", type: "text/html", resolveURLs: true)
        #expect(clean == #"<p>a<a href="">l</a><img src="" /><b style="color: red;">b</b></p>"#)
    }

    @Test("billion laughs: refused entities, bounded time, an ill-formed result")
    func billionLaughs() {
        var text = "<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY lol \"lol\">"
        for level in 1...9 { text += "<!ENTITY lol\(level) \"" + String(repeating: "&lol\(level - 1 == 0 ? "" : String(level - 1));", count: 10) + "\">" }
        text += "]><rss version=\"2.0\"><channel><title>&lol9;</title></channel></rss>"
        let start = ContinuousClock.now
        let feed = Self.parse(text)
        #expect(ContinuousClock.now - start < .seconds(2))
        #expect(feed.isIllFormed)
        #expect((feed.title?.value.utf8.count ?? 0) < 1000)
    }

    @Test("documents parsed on many threads at once read as they do one at a time (libxml2 contexts are kept per thread)")
    func concurrentParses() {
        let documents = [
            "<rss version=\"2.0\"><channel><title>A &amp; B</title><item><title>One</title></item></channel></rss>",
            "<rss version=\"2.0\"><channel><title>a&hellip;b</title><item><title>Bad &nbsp; entity</title></item></channel></rss>",
            "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title type=\"html\">&lt;b&gt;T&lt;/b&gt;</title><entry><title>E</title></entry></feed>",
            "<rss version=\"2.0\"><channel><title>unclosed",
        ].map { Data($0.utf8) }
        let expected = documents.map { String(describing: FeedParser.parse($0)) }
        let mismatches = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 400) { index in
            let document = index % documents.count
            if String(describing: FeedParser.parse(documents[document])) != expected[document] { mismatches.withLock { $0 += 1 } }
        }
        #expect(mismatches.withLock { $0 } == 0)
    }

    @Test("external entities are never loaded")
    func externalEntity() {
        let feed = Self.parse("""
            <?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
            <rss version="2.0"><channel><title>a&xxe;b</title></channel></rss>
            """)
        #expect(!(feed.title?.value.contains("root") ?? false))
    }

    @Test("a 10 MB title is cut, not a crash")
    func hugeTitle() {
        let feed = Self.parse("<rss version=\"2.0\"><channel><title>" + String(repeating: "x", count: 10 << 20) + "</title></channel></rss>")
        #expect((feed.title?.value.utf8.count ?? 0) <= XMLFeedReader.maximumFieldBytes)
    }

    @Test("empty bodies, HTML pages and garbage give a problem, never a crash", arguments: [
        "", "<!DOCTYPE html><html><head><title>Page</title></head><body><p>Hi</body></html>", "\u{0}\u{1}garbage<<<&&&",
        "<rss", "{\"version\": 1",
    ])
    func notFeeds(text: String) {
        let feed = Self.parse(text)
        #expect(feed.isIllFormed)
        #expect(feed.entries.isEmpty)
    }

    @Test("relative URL resolution against bases", arguments: [
        ("http://a/b/c/d;p?q", "g", "http://a/b/c/g"), ("http://a/b/c/d;p?q", "../g", "http://a/b/g"),
        ("http://a/b/c/d;p?q", "/g", "http://a/g"), ("http://a/b/c/d;p?q", "//g", "http://g"),
        ("http://a/b/c/d;p?q", "?y", "http://a/b/c/d;p?y"), ("http://a/b/c/d;p?q", "#s", "http://a/b/c/d;p?q#s"),
        ("http://a/b/c/d;p?q", "../../../g", "http://a/g"), ("http://a/b/", "javascript:x", "javascript:x"),
    ])
    func join(base: String, reference: String, expected: String) {
        #expect(FeedURI.join(base, reference) == expected)
    }
}
