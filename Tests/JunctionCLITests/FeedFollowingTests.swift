import Foundation
import JunctionCore
import JunctionStore
import JunctionTesting
import Synchronization
import Testing

/// Following feeds from the command line: a blog on a loopback server is found from its page,
/// followed, polled into the stream exactly once, re-polled with a conditional GET, and changed;
/// feeds that go bad show why in `junction feeds` and store nothing.
@Suite("Following feeds", .serialized, .timeLimit(.minutes(3)))
struct FeedFollowingTests {
    /// A blog: its page links a comments feed first and the posts feed second; the feed's
    /// ETag is its version.
    final class Blog: Sendable {
        let posts = Mutex<[(id: Int, title: String, date: String)]>([
            (1, "First post", "Mon, 02 Nov 2026 10:00:00 GMT"), (2, "Second post", "Tue, 03 Nov 2026 10:00:00 GMT"),
        ])

        func feed(base: String) -> String {
            let items = posts.withLock { $0 }.reversed().map { post in
                "<item><title>\(post.title)</title><link>\(base)/post/\(post.id)</link><guid>\(base)/post/\(post.id)</guid>"
                    + "<pubDate>\(post.date)</pubDate><description>&lt;p&gt;Body \(post.id)&lt;script&gt;alert(1)&lt;/script&gt;&lt;/p&gt;</description></item>"
            }.joined()
            return "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>A &amp; B blog</title><link>\(base)/blog</link>"
                + "<description>d</description>\(items)</channel></rss>"
        }

        var etag: String { "\"v\(posts.withLock { $0.count })\"" }

        func reply(_ request: LoopbackSink.Received, base: String) -> LoopbackSink.Reply? {
            switch request.path {
            case "/blog":
                return .init(status: 200, headers: ["Content-Type": "text/html; charset=utf-8"], body: Data("""
                    <!DOCTYPE html><html><head><title>Blog</title>
                    <link rel="alternate" type="application/rss+xml" title="Comments" href="/comments.xml">
                    <link rel="alternate" type="application/rss+xml" title="Posts" href="feed.xml">
                    </head><body><p>Hello</p></body></html>
                    """.utf8))
            case "/feed.xml":
                if request.headers.contains(where: { $0.name.lowercased() == "if-none-match" && $0.value == etag }) {
                    return .init(status: 304, headers: ["ETag": etag])
                }
                return .init(status: 200, headers: ["Content-Type": "application/rss+xml", "ETag": etag], body: Data(feed(base: base).utf8))
            default:
                return .init(status: 404)
            }
        }
    }

    static func json(_ result: CommandResult) throws -> Any {
        #expect(result.status == 0, "\(result.stderr)")
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
    }

    @Test("a page's feed is followed, polled once into the stream, re-polled with 304, changed, listed, unfollowed",
          arguments: TestBackend.available)
    func followAndPoll(_ backend: TestBackend) async throws {
        let reader = try await FederationTests.Peer.make(backend, handle: "reader")
        let blog = Blog()
        try await LoopbackSink.run { server in
            server.respond { blog.reply($0, base: server.url) }
            let feedURL = "\(server.url)/feed.xml"

            let followed = try #require(try Self.json(await reader.run(["follow", "reader", "\(server.url)/blog", "--json"])) as? [String: Any])
            #expect(followed["network"] as? String == "rss")
            #expect(followed["xchan"] as? String == feedURL, "the posts feed, not the comments feed")
            #expect(followed["resolver"] as? String == "feed")

            let first = try #require(try Self.json(await reader.run(["feeds", "poll", "--json"])) as? [[String: Any]])
            #expect(first.first?["stored"] as? Int == 2)
            var stream = try await reader.stream()
            #expect(stream.compactMap { $0["title"] as? String }.sorted() == ["First post", "Second post"])
            #expect(stream.allSatisfy { $0["network"] as? String == "rss" && $0["author"] as? String == feedURL })
            #expect(Set(stream.compactMap { $0["plink"] as? String }) == ["\(server.url)/post/1", "\(server.url)/post/2"])
            let body = stream.compactMap { $0["body"] as? String }.joined()
            #expect(body.contains("Body 1") && !body.contains("<script"), "sanitised before it is stored")

            let again = try #require(try Self.json(await reader.run(["feeds", "poll", feedURL, "--json"])) as? [[String: Any]])
            #expect(again.first?["stored"] as? Int == 0)
            let conditional = server.received.last { $0.path == "/feed.xml" }
            #expect(conditional?.headers.contains { $0.name.lowercased() == "if-none-match" && $0.value == blog.etag } == true)
            #expect(try await reader.stream().count == 2)

            blog.posts.withLock { $0.append((3, "Third post", "Wed, 04 Nov 2026 10:00:00 GMT")) }
            let changed = try #require(try Self.json(await reader.run(["feeds", "poll", "--json"])) as? [[String: Any]])
            #expect(changed.first?["stored"] as? Int == 1)
            stream = try await reader.stream()
            #expect(stream.compactMap { $0["title"] as? String }.sorted() == ["First post", "Second post", "Third post"])

            let listed = try #require(try Self.json(await reader.run(["feeds", "--json"])) as? [[String: Any]])
            #expect(listed.count == 1)
            #expect(listed.first?["status"] as? String == "ok")
            #expect(listed.first?["name"] as? String == "A & B blog")
            #expect(listed.first?["itemsStored"] as? Int == 3)
            #expect(listed.first?["nextPoll"] != nil && listed.first?["lastPoll"] != nil)

            let unfollowed = try await reader.run(["unfollow", "reader", "\(server.url)/blog"])
            #expect(unfollowed.status == 0 && unfollowed.stdout.contains(feedURL), "by the page it was found from: \(unfollowed.stderr)")
            #expect((try Self.json(await reader.run(["feeds", "--json"])) as? [[String: Any]])?.isEmpty == true)
        }
    }

    @Test("feeds that go bad (410, 404, an HTML page, a gzip bomb, endless redirects, a stall) show why; nothing is stored")
    func badFeeds() async throws {
        let reader = try await FederationTests.Peer.make(.sqlite, handle: "reader")
        try Data("""
            {"hub": {"domain": "127.0.0.1:\(reader.port)"}, "federation": {"allowPrivateNetwork": true},
             "rss": {"fetch": {"timeout": 10, "maxBytes": 1048576}}}
            """.utf8).write(to: URL(fileURLWithPath: reader.config))
        let bomb = try await ExternalProcess.run("/usr/bin/env", ["python3", "-c",
            "import gzip,sys; sys.stdout.buffer.write(gzip.compress(b'<rss version=\"2.0\"><channel><title>' + b'a' * 50_000_000))"])
        #expect(bomb.status == 0 && bomb.output.count < 200_000)
        let broken = Mutex(false)
        try await LoopbackSink.run { server in
            try await LoopbackSink.run { staller in
                staller.delay(.seconds(60))
                let good = Blog()
                server.respond { request in
                    guard broken.withLock({ $0 }) else {
                        return .init(status: 200, headers: ["Content-Type": "application/rss+xml"], body: Data(good.feed(base: server.url).utf8))
                    }
                    switch request.path {
                    case "/gone": return .init(status: 410)
                    case "/missing": return .init(status: 404)
                    case "/page": return .init(status: 200, headers: ["Content-Type": "text/html"], body: Data("<html><body>no feed</body></html>".utf8))
                    case "/bomb": return .init(status: 200, headers: ["Content-Type": "application/rss+xml", "Content-Encoding": "gzip"], body: bomb.output)
                    case "/loop": return .init(status: 302, headers: ["Location": "/loop"])
                    default: return .init(status: 500)
                    }
                }
                for path in ["gone", "missing", "page", "bomb", "loop"] {
                    #expect(try await reader.run(["follow", "reader", "\(server.url)/\(path)"]).status == 0)
                }
                #expect(try await reader.run(["follow", "reader", "\(staller.url)/slow"]).status != 0, "a stalling URL is not followed")
                broken.withLock { $0 = true }

                let polled = try #require(try Self.json(await reader.run(["feeds", "poll", "--json"])) as? [[String: Any]])
                let byPath = Dictionary(uniqueKeysWithValues: polled.map { (URL(string: $0["address"] as? String ?? "")?.path ?? "", $0) })
                #expect(byPath["/gone"]?["status"] as? String == "gone")
                #expect(byPath["/gone"]?["nextPoll"] == nil)
                #expect((byPath["/gone"]?["lastError"] as? String)?.contains("410") == true)
                #expect(byPath["/missing"]?["status"] as? String == "not_found")
                #expect((byPath["/page"]?["lastError"] as? String)?.contains("not a feed") == true)
                #expect((byPath["/bomb"]?["lastError"] as? String)?.contains("more than") == true, "\(byPath["/bomb"] ?? [:])")
                #expect((byPath["/loop"]?["lastError"] as? String)?.contains("redirects more than") == true)
                #expect(polled.allSatisfy { $0["stored"] as? Int == 0 })
                #expect(try await reader.stream().isEmpty)

                let goneRequests = server.received.filter { $0.path == "/gone" }.count
                _ = try await reader.run(["feeds", "poll"])
                #expect(server.received.filter { $0.path == "/gone" }.count == goneRequests, "a gone feed is not polled any more")
                let listed = try await reader.run(["feeds"])
                #expect(listed.stdout.contains("not_found") && listed.stdout.contains("gone"), "\(listed.stdout)")
            }
        }
    }
}
