import Foundation
import Hummingbird
import JunctionCore
import JunctionServer
import Logging
import Synchronization

/// `POST /websub`: this hub's WebSub hub for its channels' feeds (W3C WebSub §5–6).
///
/// A request names a mode (`subscribe`, `unsubscribe`), a topic (one of a public channel's
/// feed URLs), a callback, and optionally a lease and a secret. It is checked and answered
/// `202 Accepted` at once; then the intent is verified with a `GET` of the callback carrying a
/// challenge that must come back as the body, and only then is the subscription stored (or
/// removed). A new subscription receives the posts made after it. At most
/// ``maximumVerifications`` verifications run at once; past that a request is `429`, so a flood
/// of requests cannot turn the hub into a flood of outbound GETs.
final class WebSubHubRoutes: Sendable {
    let store: any Store
    let fetcher: any Fetcher
    let domain: HubDomain
    let logger: Logger
    private let verifying = Mutex(0)

    init(store: any Store, fetcher: any Fetcher, domain: HubDomain, logger: Logger) {
        self.store = store
        self.fetcher = fetcher
        self.domain = domain
        self.logger = logger
    }

    /// Leases granted: the subscriber's ask within these bounds (default 10 days).
    static let leases: ClosedRange<Int> = 300...(30 * 86400)
    static let defaultLease = 10 * 86400
    static let maximumBody = 16 * 1024
    static let maximumVerifications = 32

    var hubURL: String { "\(domain.baseURL)/websub" }

    func register(on router: Router<HubRequestContext>) {
        router.post("/websub") { request, _ in try await self.handle(request) }
    }

    /// A checked request.
    struct Asked: Sendable {
        var subscribe: Bool
        var channel: Channel
        var format: FeedFormat
        var topic: String
        var callback: URL
        var lease: Int
        var secret: String?
    }

    private func handle(_ request: Request) async throws -> Response {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: Self.maximumBody)
        } catch {
            throw JunctionError(.payloadTooLarge, "WebSub requests are limited to \(Self.maximumBody / 1024) KiB")
        }
        let parsed = try await check(FormEncoding.decode(String(decoding: buffer.readableBytesView, as: UTF8.self)))
        let admitted = verifying.withLock { count in
            guard count < Self.maximumVerifications else { return false }
            count += 1
            return true
        }
        guard admitted else {
            throw JunctionError(.tooManyRequests, "too many subscriptions are being verified; try again in a minute")
        }
        Task {
            await verify(parsed)
            verifying.withLock { $0 -= 1 }
        }
        return Response(status: .accepted)
    }

    /// Checks a request's fields; throws a 400 or 404 naming the problem.
    func check(_ fields: [String: String]) async throws -> Asked {
        guard let mode = fields["hub.mode"], mode == "subscribe" || mode == "unsubscribe" else {
            throw JunctionError.invalidInput("hub.mode must be subscribe or unsubscribe")
        }
        guard let topic = fields["hub.topic"], !topic.isEmpty else { throw JunctionError.invalidInput("hub.topic is required") }
        let prefix = "\(domain.baseURL)/channel/"
        let path = topic.hasPrefix(prefix) ? topic.dropFirst(prefix.count).split(separator: "/", omittingEmptySubsequences: false) : []
        guard path.count == 2, let format = FeedFormat.allCases.first(where: { $0.fileName == path[1] }),
              let handle = try? Handle(String(path[0])) else {
            throw JunctionError.invalidInput("hub.topic must be a channel feed of this hub (\(prefix)HANDLE/feed.rss, feed.atom or feed.json)")
        }
        guard let channel = try await store.read({ try await $0.channel(handle: handle) }), channel.isPublicStream else {
            throw JunctionError.notFound("no public channel '\(handle)'")
        }
        guard let text = fields["hub.callback"], text.utf8.count <= 2048, let callback = URL(string: text),
              callback.scheme == "https" || callback.scheme == "http", callback.host != nil, callback.fragment == nil else {
            throw JunctionError.invalidInput("hub.callback must be an http or https URL without a fragment, at most 2048 bytes")
        }
        let secret = fields["hub.secret"].flatMap { $0.isEmpty ? nil : $0 }
        if let secret, secret.utf8.count >= 200 { throw JunctionError.invalidInput("hub.secret must be shorter than 200 bytes") }
        var lease = Self.defaultLease
        if let asked = fields["hub.lease_seconds"] {
            guard let seconds = Int(asked), seconds > 0 else { throw JunctionError.invalidInput("hub.lease_seconds must be a positive whole number") }
            lease = min(max(seconds, Self.leases.lowerBound), Self.leases.upperBound)
        }
        return Asked(subscribe: mode == "subscribe", channel: channel, format: format, topic: topic, callback: callback,
                       lease: lease, secret: secret)
    }

    /// Verifies the subscriber's intent, then stores or removes the subscription.
    func verify(_ request: Asked, now: Date = Date()) async {
        let challenge = Hex.random(16)
        var query = [("hub.mode", request.subscribe ? "subscribe" : "unsubscribe"), ("hub.topic", request.topic), ("hub.challenge", challenge)]
        if request.subscribe { query.append(("hub.lease_seconds", String(request.lease))) }
        let separator = request.callback.query == nil ? "?" : "&"
        guard let url = URL(string: request.callback.absoluteString + separator + FormEncoding.encode(query)) else { return }
        let confirmed: Bool
        do {
            let response = try await fetcher.fetch(FetchRequest(url: url, accept: "text/plain, */*", maximumBytes: 4096,
                                                                timeout: .seconds(10), maximumRedirects: 0))
            confirmed = (200..<300).contains(response.status)
                && String(decoding: response.body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) == challenge
        } catch {
            confirmed = false
        }
        guard confirmed else {
            logger.info("WebSub intent not confirmed", metadata: ["callback": "\(request.callback.absoluteString)", "topic": "\(request.topic)"])
            return
        }
        let key = WebSubSubscription.key(format: request.format.rawValue, callback: request.callback.absoluteString)
        do {
            try await store.write { session in
                let existing = try await WebSubSubscription.find(channelID: request.channel.id, key: key, in: session)
                guard request.subscribe else {
                    try await existing?.remove(channelID: request.channel.id, in: session)
                    return
                }
                let latest = try await session.publicPosts(channelID: request.channel.id, authorXChan: request.channel.xchanHash,
                                                           after: nil, limit: 1).first?.id ?? 0
                let subscription = WebSubSubscription(
                    topic: request.topic, callback: request.callback.absoluteString, format: request.format.rawValue, secret: request.secret,
                    leaseExpires: now.addingTimeInterval(TimeInterval(request.lease)), cursor: existing?.cursor ?? latest,
                    created: existing?.created ?? now)
                try await subscription.save(channelID: request.channel.id, in: session)
            }
            logger.info("WebSub intent confirmed", metadata: ["callback": "\(request.callback.absoluteString)", "subscribe": "\(request.subscribe)"])
        } catch {
            logger.error("storing a WebSub subscription failed", metadata: ["error": "\(error)"])
        }
    }
}
