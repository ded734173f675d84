import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JunctionCore
import JunctionRSS
import JunctionServer
import JunctionStore
import JunctionTesting
import Logging
import Testing

/// Every public channel as RSS 2.0, Atom 1.0 and JSON Feed, and as an HTML page.
@Suite("Feed publishing", .timeLimit(.minutes(2)))
struct PublishingTests {
    static func withApp(_ body: @escaping @Sendable (HubRuntime, any TestClientProtocol) async throws -> Void) async throws {
        try await withTestStore { store, url in
            let configuration = try await HubConfiguration.load(flags: ["database.url": url.rawText, "hub.domain": "hub.example"],
                                                                configFile: nil, environment: [:])
            var logger = Logger(label: "test")
            logger.logLevel = .warning
            try await HubRuntime.with(configuration: configuration, store: store, drivers: [RSSDriver()], logger: logger) { runtime in
                let app = await HubApplication.make(runtime: runtime)
                try await app.test(.router) { client in try await body(runtime, client) }
            }
        }
    }

    /// A public channel with two public posts, a private one and a reply.
    static func seed(_ runtime: HubRuntime) async throws -> (Channel, [Item]) {
        _ = try await runtime.store.createAccount(email: "jane@example.net", password: "secret-password")
        let jane = try await runtime.store.createChannel(handle: "jane", accountEmail: "jane@example.net", name: "Jane & Co",
                                                         domain: runtime.configuration.domain)
        let first = try await runtime.items.post(LocalPost(channelID: jane.id, body: "Hello\n\nworld & all", title: "First <post>"))
        let second = try await runtime.items.post(LocalPost(channelID: jane.id, body: "<p>Second <em>post</em></p>", mimeType: "text/html"))
        _ = try await runtime.items.post(LocalPost(channelID: jane.id, body: "a reply", replyTo: first.id))
        try await runtime.store.write { session in
            try await session.upsertXChan(XChan(hash: "friend", address: "friend@else.example", name: "Friend", network: "rss"))
        }
        _ = try await runtime.items.post(LocalPost(channelID: jane.id, body: "secret", privateTo: ["friend"]))
        return (jane, [second, first])
    }

    static func body(_ response: TestResponse) -> String { String(decoding: response.body.readableBytesView, as: UTF8.self) }

    @Test("the three feeds list exactly the public top-level posts, newest first, with stable ids, and advertise themselves")
    func feeds() async throws {
        try await Self.withApp { runtime, client in
            let (_, items) = try await Self.seed(runtime)
            for (file, type) in [("feed.rss", "application/rss+xml"), ("feed.atom", "application/atom+xml"), ("feed.json", "application/feed+json")] {
                try await client.execute(uri: "/channel/jane/\(file)", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType] == "\(type); charset=utf-8")
                    let text = Self.body(response)
                    #expect(!text.contains("secret") && !text.contains("a reply"), "\(file)")
                    let positions = items.map { text.range(of: $0.mid)?.lowerBound }
                    #expect(positions.allSatisfy { $0 != nil }, "\(file)")
                    if let newer = positions[0], let older = positions[1] { #expect(newer < older, "\(file)") }
                    #expect(text.contains("https://hub.example/websub"), "the WebSub hub is advertised: \(file)")
                    #expect(text.contains("https://hub.example/channel/jane/\(file)"))
                }
            }
        }
    }

    @Test("ETag and Last-Modified answer 304; a new post changes the ETag")
    func conditionalGet() async throws {
        try await Self.withApp { runtime, client in
            let (jane, _) = try await Self.seed(runtime)
            var etag = ""
            var lastModified = ""
            try await client.execute(uri: "/channel/jane/feed.atom", method: .get) { response in
                etag = try #require(response.headers[.eTag])
                lastModified = try #require(response.headers[.lastModified])
            }
            try await client.execute(uri: "/channel/jane/feed.atom", method: .get, headers: [.ifNoneMatch: etag]) { response in
                #expect(response.status == .notModified)
                #expect(response.body.readableBytes == 0)
            }
            try await client.execute(uri: "/channel/jane/feed.atom", method: .get, headers: [.ifModifiedSince: lastModified]) { response in
                #expect(response.status == .notModified)
            }
            _ = try await runtime.items.post(LocalPost(channelID: jane.id, body: "third"))
            try await client.execute(uri: "/channel/jane/feed.atom", method: .get, headers: [.ifNoneMatch: etag]) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.eTag] != etag)
            }
        }
    }

    @Test("the channel page lists the posts with anchors and carries the autodiscovery links; private and unknown channels are 404")
    func page() async throws {
        try await Self.withApp { runtime, client in
            let (jane, items) = try await Self.seed(runtime)
            _ = try await runtime.items.post(LocalPost(channelID: jane.id, body: "<p onclick=\"steal()\">Third<script>alert(1)</script> <a href=\"javascript:steal()\">x</a></p>",
                                                       mimeType: "text/html"))
            try await client.execute(uri: "/channel/jane", method: .get) { response in
                #expect(response.status == .ok)
                let html = Self.body(response)
                #expect(html.contains("Third") && !html.contains("alert(1)") && !html.contains("onclick") && !html.contains("javascript:"))
                for type in ["application/rss+xml", "application/atom+xml", "application/feed+json"] {
                    #expect(html.contains("<link rel=\"alternate\" type=\"\(type)\""))
                }
                #expect(html.contains("Jane &amp; Co"))
                #expect(html.contains("First &lt;post&gt;"))
                #expect(html.contains("<p>Second <em>post</em></p>"))
                #expect(html.contains("<p>Hello</p><p>world &amp; all</p>"))
                for item in items { #expect(html.contains("id=\"\(item.mid.split(separator: "/").last!)\"")) }
                #expect(!html.contains("secret"))
            }
            try await client.execute(uri: "/channel/nobody", method: .get) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/channel/nobody/feed.rss", method: .get) { #expect($0.status == .notFound) }
            try await runtime.store.write { try await $0.updateChannelLimits(channelID: jane.id, limits: [.viewStream: .connections]) }
            for path in ["/channel/jane", "/channel/jane/feed.rss", "/channel/jane/feed.atom", "/channel/jane/feed.json"] {
                try await client.execute(uri: path, method: .get) { #expect($0.status == .notFound, "\(path)") }
            }
        }
    }

    @Test("feedparser 6.0.14 reads our RSS and Atom feeds with the same titles, links, ids and dates as our items")
    func feedparserReadsThem() async throws {
        guard let python = ProcessInfo.processInfo.environment["JUNCTION_FEEDPARSER_PYTHON"] else {
            if ProcessInfo.processInfo.environment["CI"] != nil {
                Issue.record("JUNCTION_FEEDPARSER_PYTHON is not set (scripts/test sets it up)")
            }
            return
        }
        try await Self.withApp { runtime, client in
            let (_, items) = try await Self.seed(runtime)
            for file in ["feed.rss", "feed.atom"] {
                var text = ""
                try await client.execute(uri: "/channel/jane/\(file)", method: .get) { text = Self.body($0) }
                let parsed = try await Self.feedparser(python, text)
                #expect(parsed["bozo"] as? Bool == false, "\(file)")
                #expect(parsed["title"] as? String == "Jane & Co", "\(file)")
                let entries = try #require(parsed["entries"] as? [[String: Any]])
                #expect(entries.count == items.count, "\(file)")
                for (entry, item) in zip(entries, items) {
                    #expect(entry["id"] as? String == item.mid, "\(file)")
                    #expect((entry["title"] as? String ?? "") == (item.title ?? ""), "\(file)")
                    #expect(entry["link"] as? String == "https://hub.example/channel/jane#\(item.mid.split(separator: "/").last!)", "\(file)")
                    #expect((entry["published"] as? Double).map { Int64($0) } == Int64(item.created.timeIntervalSince1970), "\(file)")
                }
            }
        }
    }

    /// Runs feedparser over `document` and returns the fields compared.
    static func feedparser(_ python: String, _ document: String) async throws -> [String: Any] {
        let script = """
        import calendar, feedparser, json, sys
        d = feedparser.parse(sys.stdin.buffer.read())
        print(json.dumps({"bozo": bool(d.bozo), "title": d.feed.get("title"), "entries": [
            {"id": e.get("id"), "title": e.get("title"), "link": e.get("link"),
             "published": calendar.timegm(e.published_parsed) if e.get("published_parsed") else None} for e in d.entries]}))
        """
        let data = try await ExternalProcess.run(python, ["-c", script], input: Data(document.utf8)).output
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }
}
