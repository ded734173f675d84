import Foundation
import JunctionCore
import Logging

/// Subscribes this hub to the WebSub hub a followed feed advertises (`rel="hub"` with its
/// `rel="self"` topic), so new entries are pushed instead of waiting for the next poll.
///
/// The subscription is stored before the hub is asked, since a hub may verify it before it
/// answers; it is renewed a day before its lease ends, re-asked an hour after an unanswered
/// request, and a day after a refusal.
struct WebSubSubscriber: Sendable {
    let store: any Store
    let fetcher: any Fetcher
    let domain: HubDomain
    let leaseSeconds: Int
    let logger: Logger

    init(registration: DriverRegistration, leaseSeconds: Int) {
        store = registration.store
        fetcher = registration.fetcher
        domain = registration.domain
        self.leaseSeconds = leaseSeconds
        logger = registration.logger
    }

    /// The callback URL for `token`.
    func callback(_ token: String) -> String { "\(domain.baseURL)/websub/callback/\(token)" }

    func subscribeIfAdvertised(_ parsed: ParsedFeed, feed: XChan, feedURL: String, now: Date) async {
        guard let hub = parsed.links.first(where: { $0.rel == "hub" })?.href, let hubURL = URL(string: hub),
              hubURL.scheme == "https" || hubURL.scheme == "http" else { return }
        let topic = parsed.links.first(where: { $0.rel == "self" })?.href ?? feedURL
        do {
            let existing = try await store.read { try await PushSubscription.load(feed.hash, in: $0) }
            if let existing, existing.hub == hub, existing.topic == topic {
                switch existing.state {
                case .active where (existing.leaseExpires ?? .distantFuture) > now.addingTimeInterval(86400): return
                case .requested where existing.requested > now.addingTimeInterval(-3600): return
                case .refused where existing.requested > now.addingTimeInterval(-86400): return
                default: break
                }
            }
            var push = PushSubscription(hub: hub, topic: topic, token: Hex.random(16), secret: Hex.random(32),
                                        state: .requested, leaseExpires: nil, requested: now)
            let requested = push
            try await store.write { try await requested.save(for: feed.hash, in: $0) }
            let body = Data(FormEncoding.encode([
                ("hub.mode", "subscribe"), ("hub.topic", topic), ("hub.callback", callback(push.token)), ("hub.secret", push.secret),
                ("hub.lease_seconds", String(leaseSeconds)),
            ]).utf8)
            do {
                let response = try await fetcher.fetch(FetchRequest(
                    url: hubURL, accept: "*/*", maximumBytes: 64 * 1024, timeout: .seconds(15), maximumRedirects: 0,
                    method: "POST", body: body, contentType: "application/x-www-form-urlencoded"))
                if !(200..<300).contains(response.status) {
                    push.state = .refused
                    push.lastError = "\(hub) answered HTTP \(response.status) to the subscription"
                }
            } catch {
                push.state = .refused
                push.lastError = error.message
            }
            guard push.state == .refused else { return }
            logger.notice("WebSub subscription refused", metadata: ["feed": "\(feed.address)", "reason": "\(push.lastError ?? "")"])
            try await store.write { session in
                // The hub may have verified or denied it meanwhile: keep what it said.
                guard let current = try await PushSubscription.load(feed.hash, in: session), current.token == push.token,
                      current.state == .requested else { return }
                try await push.save(for: feed.hash, in: session)
            }
        } catch {
            logger.error("WebSub subscription failed", metadata: ["feed": "\(feed.address)", "error": "\(error)"])
        }
    }
}
