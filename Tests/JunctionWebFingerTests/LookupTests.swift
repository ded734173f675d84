import Foundation
import JunctionCore
import JunctionServer
import JunctionTesting
@testable import JunctionWebFinger
import Logging
import Synchronization
import Testing

/// Looking remote addresses up through the whole chain, against scripted loopback servers.
@Suite("WebFinger lookups", .timeLimit(.minutes(3)))
struct LookupTests {
    static let xrd = ["Content-Type": XRD.mediaType]
    static let jrd = ["Content-Type": JRD.mediaType]

    static func actorXRD(_ subject: String, actor: String) -> Data {
        XRD.encode(IdentityDocument(subject: subject, links: [
            IdentityLink(rel: "self", type: "application/activity+json", href: actor),
            IdentityLink(rel: IdentityLink.Rel.profilePage, type: "text/html", href: actor),
        ]))
    }

    @Test("WebFinger absent: host-meta → LRDD → XRD answers; then the cache answers without I/O until refreshed",
          arguments: TestBackend.available)
    func fallbackAndCache(_ backend: TestBackend) async throws {
        try await LoopbackSink.run { sink in
            try await Hub.with(backend) { runtime in
                let address = "someone@\(sink.host)"
                let actor = "\(sink.url)/users/someone"
                sink.script([
                    .init(status: 404),
                    .init(status: 200, headers: Self.xrd, body: XRD.encode(IdentityDocument(links: [
                        IdentityLink(rel: "lrdd", type: XRD.mediaType, template: "\(sink.url)/lrdd?uri={uri}"),
                    ]))),
                    .init(status: 200, headers: Self.xrd, body: Self.actorXRD("acct:\(address)", actor: actor)),
                ])
                let found = try await runtime.discovery.lookup(address)
                #expect(found.resolver == "host-meta")
                #expect(!found.fromCache)
                #expect(found.xchan.network == "activitypub")
                #expect(found.xchan.hash == actor)
                #expect(found.xchan.address == address)
                #expect(found.hublocs.map(\.host) == [sink.host])
                let requests = sink.received
                #expect(requests.map(\.path) == ["/.well-known/webfinger", "/.well-known/host-meta", "/lrdd"])
                #expect(requests[0].query == "resource=acct%3Asomeone%40127.0.0.1%3A\(sink.port)")
                #expect(requests[2].query == "uri=acct%3Asomeone%40127.0.0.1%3A\(sink.port)")

                let again = try await runtime.discovery.lookup("acct:SOMEONE@\(sink.host)")
                #expect(again.fromCache)
                #expect(again.xchan.hash == actor)
                #expect(again.resolver == "host-meta")
                #expect(sink.received.count == 3)

                sink.script([.init(status: 200, headers: Self.jrd, body: JRD.encode(IdentityDocument(
                    subject: "acct:\(address)", links: [IdentityLink(rel: "self", type: "application/activity+json", href: actor)])))])
                let refreshed = try await runtime.discovery.lookup(address, refresh: true)
                #expect(refreshed.resolver == "webfinger")
                #expect(!refreshed.fromCache)
                #expect(sink.received.count == 4)
            }
        }
    }

    @Test("a failed lookup stores nothing and is remembered for the negative TTL", arguments: TestBackend.available)
    func negativeCache(_ backend: TestBackend) async throws {
        try await LoopbackSink.run { sink in
            try await Hub.with(backend) { runtime in
                sink.answer(.init(status: 404))
                let address = "ghost@\(sink.host)"
                let failure = try await #require(throws: DiscoveryFailure.self) { try await runtime.discovery.lookup(address) }
                #expect(!failure.fromCache)
                #expect(failure.attempts.map(\.resolver) == ["webfinger", "host-meta"])
                #expect(failure.attempts.allSatisfy { $0.reason.contains("404") }, "\(failure.attempts.map(\.reason))")
                let asked = sink.received.count
                #expect(asked == 3)
                let remembered = try await #require(throws: DiscoveryFailure.self) { try await runtime.discovery.lookup(address) }
                #expect(remembered.fromCache)
                #expect(remembered.attempts == failure.attempts)
                #expect(sink.received.count == asked)
                #expect(try await runtime.store.read { try await $0.xchans(address: address) }.isEmpty)
            }
        }
    }

    @Test("loopback and private destinations are refused unless the operator allows them; nothing is fetched")
    func privateNetworkGuard() async throws {
        try await LoopbackSink.run { sink in
            try await Hub.with(allowPrivateNetwork: false) { runtime in
                let failure = try await #require(throws: DiscoveryFailure.self) {
                    try await runtime.discovery.lookup("someone@\(sink.host)")
                }
                #expect(failure.attempts.allSatisfy { $0.reason.contains("private or loopback") })
                #expect(sink.received.isEmpty)
            }
        }
    }

    @Test("hostile or wrong answers each end in a clear reason within the timeouts, and nothing is stored")
    func badAnswers() async throws {
        // 5 s per document: the redirect loop gets its 4 hops in even on a loaded machine.
        try await Hub.with(timeout: .seconds(5)) { runtime in
            let cases: [(@Sendable (LoopbackSink) -> LoopbackSink.Reply, Duration, String)] = [
                ({ _ in .init(status: 200, headers: ["Content-Type": "text/html"], body: Data("<html></html>".utf8)) }, .zero, "text/html"),
                ({ _ in .init(status: 200, headers: Self.jrd, body: Data("{\"subject\": ".utf8)) }, .zero, "not a JSON object"),
                ({ _ in .init(status: 200, headers: Self.jrd, body: JRD.encode(IdentityDocument(subject: "acct:other@elsewhere.example"))) },
                 .zero, "describes acct:other@elsewhere.example"),
                ({ _ in .init(status: 200, headers: Self.jrd, body: Data(repeating: 0x20, count: 300 * 1024)) }, .zero, "KiB"),
                ({ sink in .init(status: 302, headers: ["Location": "\(sink.url)/.well-known/webfinger"]) }, .zero, "redirects more than"),
                ({ _ in .init(status: 200, headers: Self.jrd, body: Data("{}".utf8)) }, .seconds(6), "did not answer in time"),
                ({ sink in .init(status: 200, headers: Self.jrd, body: JRD.encode(IdentityDocument(subject: "acct:x6@\(sink.host)"))) }, .zero,
                 "names no protocol"),
            ]
            // Each case has a server of its own, so no case inherits another's connections.
            for (index, (reply, delay, reason)) in cases.enumerated() {
                try await LoopbackSink.run { sink in
                    sink.answer(reply(sink))
                    sink.delay(delay)
                    let address = "x\(index)@\(sink.host)"
                    let started = ContinuousClock.now
                    let failure = try await #require(throws: DiscoveryFailure.self) { try await runtime.discovery.lookup(address) }
                    #expect(failure.attempts.first?.reason.contains(reason) == true, "case \(index): \(failure)")
                    #expect(ContinuousClock.now - started < .seconds(20), "case \(index)")
                    #expect(try await runtime.store.read { try await $0.xchans(address: address) }.isEmpty)
                }
            }
        }
    }

    @Test("malformed addresses are refused before any I/O", arguments: [
        "", "no-at-sign", "@example.com", "ja ne@example.com", "jane@", "jane@exa mple.com", "jane@example.com:0",
        "jane<script>@example.com", "jane@[::1", String(repeating: "a", count: 3000) + "@example.com",
    ])
    func malformedAddresses(_ text: String) async throws {
        try await Hub.with { runtime in
            let error = try await #require(throws: JunctionError.self) { try await runtime.discovery.lookup(text) }
            #expect(error.code == .invalidInput)
        }
    }

    @Test("a document claiming an identity this hub knows under another address is refused and changes nothing")
    func identityTakeover() async throws {
        try await LoopbackSink.run { sink in
            try await Hub.with { runtime in
                let jane = try await Hub.channel("jane", in: runtime)
                let forged = IdentityDocument(subject: "acct:evil@\(sink.host)", links: [IdentityLink(
                    rel: IdentityLink.Rel.junction, href: "\(sink.url)/inbox",
                    properties: [IdentityLink.Rel.channelKey: .some(jane.publicKey.base64),
                                 IdentityLink.Rel.siteKey: .some(runtime.registration.siteKey.base64)])])
                sink.answer(.init(status: 200, headers: Self.jrd, body: JRD.encode(forged)))
                let error = try await #require(throws: JunctionError.self) { try await runtime.discovery.lookup("evil@\(sink.host)") }
                #expect(error.code == .conflict)
                let xchan = try await runtime.store.read { try await $0.xchan(hash: jane.xchanHash) }
                #expect(xchan?.address == "jane@example.com")
                #expect(try await runtime.store.read { try await $0.hublocs(xchanHash: jane.xchanHash) }.map(\.host) == ["example.com"])
            }
        }
    }

    @Test("this hub's own channels are answered from the store; the follow hook bypasses discovery")
    func localAndFollowHook() async throws {
        try await Hub.with { runtime in
            let jane = try await Hub.channel("jane", in: runtime)
            let found = try await runtime.discovery.lookup("jane@example.com")
            #expect(found.resolver == "local")
            #expect(found.xchan.hash == jane.xchanHash)
            await #expect(throws: JunctionError.self) { try await runtime.discovery.lookup("nobody@example.com") }

            let remote = XChan(hash: "remote-hash", address: "feed@feeds.example", name: "Feed", network: XChan.localNetwork)
            runtime.hooks.register(.follow, name: "test") { request in
                guard request.address == "feed@feeds.example" else { return }
                try await runtime.store.write { try await $0.upsertXChan(remote) }
                request.xchan = remote
            }
            let following = try await runtime.connector.follow(handle: "jane", address: "feed@feeds.example")
            #expect(following.resolver == "follow")
            #expect(following.connection.role == jane.role.defaultConnectionRole)
            #expect(!following.alreadyConnected)
            #expect(try await runtime.connector.follow(handle: "jane", address: "feed@feeds.example").alreadyConnected)
            try await runtime.connector.unfollow(handle: "jane", address: "feed@feeds.example")
            #expect(try await runtime.store.read { try await $0.abook(channelID: jane.id, xchanHash: "remote-hash") } == nil)
        }
    }
}

/// The chain's order and gating, with scripted resolvers.
@Suite("Discovery chain")
struct DiscoveryChainTests {
    /// The names of the resolvers asked, in order.
    final class CallLog: Sendable {
        let names = Mutex<[String]>([])
        func take() -> [String] { names.withLock { names in defer { names = [] }; return names } }
    }

    /// Answers from a script and records that it was asked.
    struct ScriptedResolver: Resolver {
        let name: String
        let network: String
        let rank: ResolverRank
        let answer: ResolverAnswer
        let log: CallLog

        func resolve(_ address: DiscoveryAddress) async -> ResolverAnswer {
            log.names.withLock { $0.append(name) }
            return answer
        }
    }

    @Test("owns() gates resolvers before any I/O: .no skips, .yes goes first, the rest by rank")
    func order() async throws {
        try await withTestStore { store, _ in
            let log = CallLog()
            let found = XChan(hash: "beta-id", address: "x@host.beta", name: "X", network: "beta")
            let resolvers: [any Resolver] = [
                ScriptedResolver(name: "url", network: "alpha", rank: .url, answer: .notRecognised("no feed"), log: log),
                ScriptedResolver(name: "wf", network: WebFingerDriver().network, rank: .webFinger, answer: .notRecognised("404"), log: log),
                ScriptedResolver(name: "beta", network: "beta", rank: .network, answer: .found(xchan: found, hublocs: []), log: log),
            ]
            var logger = Logger(label: "test")
            logger.logLevel = .warning
            let chain = DiscoveryChain(store: store, hooks: HookRegistry(logger: logger),
                                       drivers: [FakeDriver(network: "alpha"), FakeDriver(network: "beta"), WebFingerDriver()],
                                       resolvers: { resolvers }, domain: try HubDomain("hub.example"), logger: logger)

            // FakeDriver("beta") claims addresses ending in ".beta": its resolver runs first.
            let result = try await chain.lookup("x@host.beta")
            #expect(result.resolver == "beta" && result.xchan.hash == "beta-id")
            #expect(log.take() == ["beta"])

            // Nobody claims it: WebFinger, then the network resolver — which finds it.
            _ = try await chain.lookup("y@host.example")
            #expect(log.take() == ["wf", "beta"])

            // WebFinger says .no to non-web URLs: its resolvers are skipped.
            _ = try await chain.lookup("fxgp://guild.example/lobby")
            #expect(log.take() == ["beta"])
        }
    }
}
