import AsyncHTTPClient
import Foundation
import JunctionCore
import JunctionStore
import JunctionTesting
import Logging
import NIOCore
import NIOHTTP1
import Testing

/// Two real hubs on loopback speaking the `junction` network: they find each other's channels
/// through WebFinger and follow them, then signed deliveries, replies to the thread owner,
/// deletes, and a forged delivery refused.
@Suite("Hub to hub", .serialized, .timeLimit(.minutes(3)))
struct FederationTests {
    /// A hub with its own port, configuration file and one channel.
    struct Peer {
        let hub: TestHub
        let port: Int
        let config: String
        let handle: String
        var domain: String { "127.0.0.1:\(port)" }

        static func make(_ backend: TestBackend, handle: String) async throws -> Peer {
            let hub = try await TestHub.make(backend)
            let port = try freeLoopbackPort()
            let config = "\(hub.dataDirectory)/hub.json"
            try Data("""
                {"hub": {"domain": "127.0.0.1:\(port)"}, "http": {"listen": "127.0.0.1:\(port)"}, "federation": {"allowPrivateNetwork": true}}
                """.utf8).write(to: URL(fileURLWithPath: config))
            let peer = Peer(hub: hub, port: port, config: config, handle: handle)
            #expect(try await peer.run(["account", "create", "\(handle)@example.com", "--password-stdin"], stdin: "correct horse\n").status == 0)
            #expect(try await peer.run(["channel", "create", handle, "--account", "\(handle)@example.com"]).status == 0)
            return peer
        }

        func run(_ arguments: [String], stdin: String? = nil) async throws -> CommandResult {
            try await hub.run(arguments + ["--config", config], stdin: stdin)
        }

        func withStore<T: Sendable>(_ body: (any Store) async throws -> T) async throws -> T {
            var logger = Logger(label: "test")
            logger.logLevel = .warning
            return try await HubDatabase.withStore(try DatabaseURL(hub.database), logger: logger, body)
        }

        /// What this hub publishes about its channel: identity, site key.
        func identity() async throws -> (xchan: XChan, siteKey: String) {
            try await withStore { store in
                let channel = try await store.channel(handle: handle)
                let xchan = try #require(try await store.read { try await $0.xchan(hash: channel.xchanHash) })
                return (xchan, try await store.ensureSiteKey().publicKey.base64)
            }
        }

        /// `junction lookup ADDRESS --json`.
        func lookup(_ address: String) async throws -> [String: Any] {
            let result = try await run(["lookup", address, "--json"])
            #expect(result.status == 0, "\(result.stderr)")
            return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] ?? [:]
        }

        func stream() async throws -> [[String: Any]] {
            let result = try await run(["stream", handle, "--json"])
            return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]] ?? []
        }
    }

    @Test("two hubs look each other's channels up and follow them; a post, a reply, an edit and a delete travel, signed; a forged delivery is refused",
          arguments: TestBackend.available)
    func twoHubs(_ backend: TestBackend) async throws {
        let alice = try await Peer.make(backend, handle: "alice")
        let bob = try await Peer.make(backend, handle: "bob")
        let hubA = try ServeTests.RunningHub(alice.hub, port: alice.port, extra: ["--config", alice.config])
        let hubB = try ServeTests.RunningHub(bob.hub, port: bob.port, extra: ["--config", bob.config])
        _ = try await hubA.waitUntilHealthy(started: .now)
        _ = try await hubB.waitUntilHealthy(started: .now)

        let bobIdentity = try await bob.identity()
        let found = try await alice.lookup("bob@\(bob.domain)")
        #expect(found["network"] as? String == "junction")
        #expect(found["resolver"] as? String == "webfinger")
        #expect(found["fromCache"] as? Bool == false)
        #expect((found["xchan"] as? [String: Any])?["hash"] as? String == bobIdentity.xchan.hash)
        #expect((found["xchan"] as? [String: Any])?["url"] as? String == "http://\(bob.domain)/channel/bob")
        let hublocs = try #require(found["hublocs"] as? [[String: Any]])
        #expect(hublocs.count == 1 && hublocs.first?["siteKey"] as? String == bobIdentity.siteKey)
        #expect(hublocs.first?["endpoint"] as? String == "http://\(bob.domain)/inbox")
        #expect(try await alice.lookup("acct:bob@\(bob.domain)")["fromCache"] as? Bool == true)
        let missing = try await alice.run(["lookup", "nobody@\(bob.domain)"])
        #expect(missing.status != 0 && missing.stderr.contains("webfinger"), "\(missing.stderr)")

        // Bob's WebFinger document links his feeds, which the hub serves.
        let document = try await HTTPClient.shared.execute(
            HTTPClientRequest(url: "http://\(bob.domain)/.well-known/webfinger?resource=acct:bob@\(bob.domain)"), timeout: .seconds(5))
        let jrd = try JSONSerialization.jsonObject(with: Data(try await document.body.collect(upTo: 1 << 20).readableBytesView)) as? [String: Any]
        let feedLinks = (jrd?["links"] as? [[String: Any]] ?? []).filter { $0["rel"] as? String == "alternate" }
        #expect(Set(feedLinks.compactMap { $0["type"] as? String }) == ["application/rss+xml", "application/atom+xml", "application/feed+json"])
        for link in feedLinks {
            let feed = try await HTTPClient.shared.execute(HTTPClientRequest(url: try #require(link["href"] as? String)), timeout: .seconds(5))
            #expect(feed.status == .ok)
        }

        let followed = try await alice.run(["follow", "alice", "bob@\(bob.domain)"])
        #expect(followed.status == 0 && followed.stdout.contains("now follows bob@\(bob.domain)"), "\(followed.stderr)")
        let back = try await bob.run(["follow", "bob", "http://\(alice.domain)/channel/alice"])
        #expect(back.status == 0 && back.stdout.contains("now follows alice@\(alice.domain)"), "\(back.stderr)")
        let aliceIdentity = try await alice.identity()

        let posted = try await alice.run(["post", "alice", "hello bob", "--title", "Greeting", "--json"])
        #expect(posted.status == 0, "\(posted.stderr)")
        let post = try JSONSerialization.jsonObject(with: Data(posted.stdout.utf8)) as? [String: Any]
        let mid = try #require(post?["mid"] as? String)

        try await CrashTests.waitUntil(timeout: .seconds(20)) { try await bob.stream().contains { $0["mid"] as? String == mid } }
        let received = try #require(try await bob.stream().first { $0["mid"] as? String == mid })
        #expect(received["network"] as? String == "junction")
        #expect(received["author"] as? String == "alice@\(alice.domain)")
        #expect(received["body"] as? String == "hello bob" && received["title"] as? String == "Greeting")
        // Alice records the delivery once bob's answer is in, a moment after bob stored it.
        let postID = String(try #require(post?["id"] as? Int))
        try await CrashTests.waitUntil(timeout: .seconds(30)) {
            try await alice.run(["deliveries", postID, "--json"]).stdout.contains("\"delivered\"")
        }

        let receivedID = try #require(received["id"] as? Int)
        let replied = try await bob.run(["post", "bob", "hi alice", "--reply-to", String(receivedID), "--json"])
        #expect(replied.status == 0, "\(replied.stderr)")
        let replyMid = try #require((try JSONSerialization.jsonObject(with: Data(replied.stdout.utf8)) as? [String: Any])?["mid"] as? String)
        try await CrashTests.waitUntil(timeout: .seconds(20)) { try await alice.stream().contains { $0["mid"] as? String == replyMid } }
        let reply = try #require(try await alice.stream().first { $0["mid"] as? String == replyMid })
        #expect(reply["parentMid"] as? String == mid && reply["author"] as? String == "bob@\(bob.domain)")

        let edited = try await alice.run(["edit", String(try #require(post?["id"] as? Int)), "hello again, bob", "--title", "Greeting, edited"])
        #expect(edited.status == 0, "\(edited.stderr)")
        try await CrashTests.waitUntil(timeout: .seconds(20)) {
            try await bob.stream().contains { $0["mid"] as? String == mid && $0["body"] as? String == "hello again, bob" }
        }
        #expect(try await bob.stream().first { $0["mid"] as? String == mid }?["title"] as? String == "Greeting, edited")

        #expect(try await alice.run(["delete", String(try #require(post?["id"] as? Int))]).status == 0)
        try await CrashTests.waitUntil(timeout: .seconds(20)) {
            try await bob.stream().contains { $0["mid"] as? String == mid && $0["deleted"] as? Bool == true }
        }

        // An unsigned delivery, and one signed by a key bob's hub does not know, are refused.
        var request = HTTPClientRequest(url: "http://\(bob.domain)/inbox")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/activity+json")
        request.body = .bytes(ByteBuffer(string: "{}"))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
        #expect(response.status.code == 401)
        let body = try await response.body.collect(upTo: 1 << 16)
        #expect(String(buffer: body).contains("\"unauthorized\""))

        // A delivery signed by alice's hub that addresses too many channels is refused whole.
        let siteKey = try #require(try await alice.withStore { try await $0.siteSigningKey() })
        let flood = try JSONSerialization.data(withJSONObject: [
            "type": "Create", "actor": aliceIdentity.xchan.hash, "to": (0...1000).map { "channel-\($0)" },
            "object": ["id": "http://\(alice.domain)/item/flood", "type": "Note", "context": "http://\(alice.domain)/item/flood",
                       "owner": aliceIdentity.xchan.hash, "content": "x", "mediaType": "text/plain",
                       "published": "2026-11-21T12:00:00Z", "updated": "2026-11-21T12:00:00Z", "attachment": [], "tag": [],
                       "isPrivate": false] as [String: Any],
        ])
        let inbox = URL(string: "http://\(bob.domain)/inbox")!
        var headers: [(name: String, value: String)] = [("Content-Type", "application/activity+json"),
                                                        ("Content-Digest", HTTPMessageSignature.contentDigest(flood))]
        let (input, signature) = try HTTPMessageSignature.sign(try HTTPMessageSignature.Message(method: "POST", url: inbox, headers: headers),
                                                               keyID: "http://\(alice.domain)", key: siteKey)
        headers += [("Signature-Input", input), ("Signature", signature)]
        var signed = HTTPClientRequest(url: inbox.absoluteString)
        signed.method = .POST
        for (name, value) in headers { signed.headers.add(name: name, value: value) }
        signed.body = .bytes(ByteBuffer(bytes: flood))
        let refused = try await HTTPClient.shared.execute(signed, timeout: .seconds(5))
        #expect(refused.status.code == 400)
        let refusal = try await refused.body.collect(upTo: 1 << 16)
        #expect(String(buffer: refusal).contains("at most 1000"))

        #expect(await hubA.stop() == 0)
        #expect(await hubB.stop() == 0)
    }
}
