import AsyncHTTPClient
import Crypto
import Foundation
import JunctionCore
import JunctionStore
import JunctionTesting
import NIOCore
import NIOHTTP1
import Synchronization
import Testing

/// WebSub on real hubs: this hub as the hub of its channels' feeds (verification of intent,
/// distribution through the queue within a second of `junction post`, signed, exactly once,
/// and late to a subscriber that was down), and as a subscriber to another hub's feed.
@Suite("WebSub", .serialized, .timeLimit(.minutes(3)))
struct WebSubTests {
    /// `POST /websub` with `fields`, form-encoded; returns the status and body.
    static func request(_ hub: String, _ fields: [String: String]) async throws -> (UInt, String) {
        var request = HTTPClientRequest(url: "\(hub)/websub")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        let allowed = CharacterSet.alphanumerics
        let body = fields.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed) ?? $0.value)" }.joined(separator: "&")
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
        return (response.status.code, String(buffer: try await response.body.collect(upTo: 1 << 16)))
    }

    /// A subscriber: echoes verification challenges, accepts distributions.
    static func subscribe(_ sink: LoopbackSink) {
        sink.respond { request in
            guard request.method == "GET" else { return .init(status: 200) }
            let query = URLComponents(string: "http://x/?\(request.query ?? "")")?.queryItems ?? []
            let challenge = query.first { $0.name == "hub.challenge" }?.value ?? ""
            return .init(status: 200, headers: ["Content-Type": "text/plain"], body: Data(challenge.utf8))
        }
    }

    /// Waits until channel `handle` of `peer` has `count` WebSub subscriptions.
    static func waitForSubscriptions(_ peer: FederationTests.Peer, count: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            let stored = try await peer.withStore { store in
                let channel = try await store.channel(handle: peer.handle)
                return try await store.read { try await $0.configValues(.channel(channel.id), family: "websub").count }
            }
            if stored == count { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestSetupError("the hub did not store \(count) subscriptions")
    }

    @Test("subscribers are verified, get a new public post within a second, signed and exactly once; one that was down gets it when back")
    func hub() async throws {
        let pub = try await FederationTests.Peer.make(.sqlite, handle: "pub")
        try Data("""
            {"hub": {"domain": "127.0.0.1:\(pub.port)"}, "http": {"listen": "127.0.0.1:\(pub.port)"},
             "federation": {"allowPrivateNetwork": true}, "queue": {"retryDelay": 1}}
            """.utf8).write(to: URL(fileURLWithPath: pub.config))
        let server = try ServeTests.RunningHub(pub.hub, port: pub.port, extra: ["--config", pub.config])
        _ = try await server.waitUntilHealthy(started: .now)
        let hubURL = "http://\(pub.domain)"
        let topic = "\(hubURL)/channel/pub/feed.atom"

        // Bad requests are refused at once, with the JSON error body.
        let noTopic = try await Self.request(hubURL, ["hub.mode": "subscribe", "hub.callback": "http://127.0.0.1:1/cb"])
        #expect(noTopic.0 == 400 && noTopic.1.contains("hub.topic"))
        let foreign = try await Self.request(hubURL, ["hub.mode": "subscribe", "hub.topic": "http://elsewhere.example/feed", "hub.callback": "http://127.0.0.1:1/cb"])
        #expect(foreign.0 == 400)
        let badCallback = try await Self.request(hubURL, ["hub.mode": "subscribe", "hub.topic": topic, "hub.callback": "ftp://x/"])
        #expect(badCallback.0 == 400)

        let downPort = try freeLoopbackPort()
        try await LoopbackSink.run { subscriber in
            Self.subscribe(subscriber)
            // The one that will be down: subscribed while up.
            try await LoopbackSink.run(port: downPort) { later in
                Self.subscribe(later)
                let asked = try await Self.request(hubURL, ["hub.mode": "subscribe", "hub.topic": topic, "hub.callback": "\(later.url)/cb"])
                #expect(asked.0 == 202)
                try await later.waitFor(1)
                // Up until the hub has its answer to the challenge stored.
                try await Self.waitForSubscriptions(pub, count: 1)
            }
            let refusedIntent = try await Self.request(hubURL, ["hub.mode": "subscribe", "hub.topic": topic, "hub.callback": "http://127.0.0.1:1/nobody"])
            #expect(refusedIntent.0 == 202)
            let asked = try await Self.request(hubURL, ["hub.mode": "subscribe", "hub.topic": topic, "hub.callback": "\(subscriber.url)/cb?x=1",
                                                        "hub.secret": "s3cret value", "hub.lease_seconds": "3600"])
            #expect(asked.0 == 202)
            let verification = try await subscriber.waitFor(1)[0]
            #expect(verification.method == "GET" && verification.query?.contains("hub.mode=subscribe") == true)
            #expect(verification.query?.contains("x=1") == true && verification.query?.contains("hub.lease_seconds=3600") == true)
            try await Self.waitForSubscriptions(pub, count: 2)  // the unconfirmed one is not stored

            let posted = try await pub.run(["post", "pub", "Pushed to subscribers", "--title", "WebSub news"])
            #expect(posted.status == 0, "\(posted.stderr)")
            let done = ContinuousClock.now
            let received = try await subscriber.waitFor(2, timeout: .seconds(30))
            let latency = ContinuousClock.now - done
            #expect(latency < .seconds(1), "delivered \(latency) after junction post returned")
            let push = received[1]
            #expect(push.method == "POST")
            let body = String(decoding: push.body, as: UTF8.self)
            #expect(body.contains("WebSub news") && body.contains("<feed"))
            let header = { (name: String) in push.headers.first { $0.name.lowercased() == name }?.value }
            #expect(header("content-type")?.hasPrefix("application/atom+xml") == true)
            let expected = HMAC<SHA256>.authenticationCode(for: push.body, using: SymmetricKey(data: Data("s3cret value".utf8)))
            #expect(header("x-hub-signature") == "sha256=" + expected.map { String(format: "%02x", $0) }.joined())
            #expect(header("link")?.contains("<\(hubURL)/websub>; rel=\"hub\"") == true)
            #expect(header("link")?.contains("<\(topic)>; rel=\"self\"") == true)

            // The subscriber that was down gets it once it is back.
            try await Task.sleep(for: .seconds(1.5))
            try await LoopbackSink.run(port: downPort) { back in
                let got = try await back.waitFor(1, timeout: .seconds(15))
                #expect(String(decoding: got[0].body, as: UTF8.self).contains("WebSub news"))
                try await Task.sleep(for: .seconds(1))
                #expect(back.received.count == 1)
            }
            try await Task.sleep(for: .seconds(1))
            #expect(subscriber.received.filter { $0.method == "POST" }.count == 1, "exactly once")

            // Unsubscribed: verified, removed, nothing more sent.
            let gone = try await Self.request(hubURL, ["hub.mode": "unsubscribe", "hub.topic": topic, "hub.callback": "\(subscriber.url)/cb?x=1"])
            #expect(gone.0 == 202)
            try await Self.waitForSubscriptions(pub, count: 1)
            #expect(try await pub.run(["post", "pub", "After unsubscribing"]).status == 0)
            try await Task.sleep(for: .seconds(1.5))
            #expect(subscriber.received.filter { $0.method == "POST" }.count == 1)
        }
        #expect(await server.stop() == 0)
    }

    @Test("a hub following another hub's channel feed subscribes to its WebSub hub and stores what it pushes")
    func subscriber() async throws {
        let pub = try await FederationTests.Peer.make(.sqlite, handle: "pub")
        let reader = try await FederationTests.Peer.make(.sqlite, handle: "reader")
        let pubServer = try ServeTests.RunningHub(pub.hub, port: pub.port, extra: ["--config", pub.config])
        let readerServer = try ServeTests.RunningHub(reader.hub, port: reader.port, extra: ["--config", reader.config])
        _ = try await pubServer.waitUntilHealthy(started: .now)
        _ = try await readerServer.waitUntilHealthy(started: .now)
        #expect(try await pub.run(["post", "pub", "Before the follow", "--title", "Old"]).status == 0)

        let followed = try await reader.run(["follow", "reader", "http://\(pub.domain)/channel/pub/feed.atom", "--json"])
        #expect(followed.status == 0, "\(followed.stderr)")
        #expect(followed.stdout.contains("\"network\" : \"rss\""), "\(followed.stdout)")
        #expect(try await reader.run(["feeds", "poll"]).status == 0)
        let deadline = ContinuousClock.now + .seconds(10)
        var listed: [[String: Any]] = []
        while ContinuousClock.now < deadline {
            listed = try JSONSerialization.jsonObject(with: Data(try await reader.run(["feeds", "--json"]).stdout.utf8)) as? [[String: Any]] ?? []
            if (listed.first?["push"] as? String)?.hasPrefix("active") == true { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect((listed.first?["push"] as? String)?.hasPrefix("active at http://\(pub.domain)/websub") == true, "\(listed)")

        #expect(try await pub.run(["post", "pub", "Fresh news", "--title", "Pushed"]).status == 0)
        var titles: [String] = []
        let pushed = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < pushed {
            titles = try await reader.stream().compactMap { $0["title"] as? String }
            if titles.contains("Pushed") { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(titles.sorted() == ["Old", "Pushed"], "pushed, not polled; each once")
        #expect(await readerServer.stop() == 0)
        #expect(await pubServer.stop() == 0)
    }
}
