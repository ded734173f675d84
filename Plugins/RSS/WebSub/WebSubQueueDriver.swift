import Foundation
import JunctionCore
import JunctionServer

/// Sends queued WebSub content distributions: a POST of the feed document to the subscriber's
/// callback with the hub and topic as `Link` headers and, when the subscriber gave a secret,
/// `X-Hub-Signature` (HMAC-SHA256). The secret is read at delivery time, so an entry whose
/// subscription ended meanwhile is refused rather than sent.
struct WebSubQueueDriver: QueueDriver {
    let store: any Store
    let fetcher: any Fetcher
    let hubURL: String

    func deliver(_ entry: QueueEntry) async -> DeliveryOutcome {
        guard let channelID = entry.channelID, let format = FeedFormat.allCases.first(where: { $0.mediaType == entry.contentType }),
              let callback = URL(string: entry.endpoint) else {
            return .refused("not a WebSub distribution")
        }
        let subscription: WebSubSubscription?
        do {
            subscription = try await store.read {
                try await WebSubSubscription.find(channelID: channelID, key: WebSubSubscription.key(format: format.rawValue, callback: entry.endpoint), in: $0)
            }
        } catch {
            return .retry("cannot read the subscription: \(error)", after: nil)
        }
        guard let subscription else { return .refused("\(entry.endpoint) is no longer subscribed") }
        var headers: [(name: String, value: String)] = [("Link", "<\(hubURL)>; rel=\"hub\", <\(subscription.topic)>; rel=\"self\"")]
        if let secret = subscription.secret { headers.append((HubSignature.header, HubSignature.sign(entry.payload, secret: secret))) }
        do {
            let response = try await fetcher.fetch(FetchRequest(
                url: callback, accept: "*/*", headers: headers, maximumBytes: 64 * 1024, timeout: .seconds(30), maximumRedirects: 0,
                method: "POST", body: entry.payload, contentType: "\(entry.contentType); charset=utf-8"))
            switch response.status {
            case 200..<300:
                return .delivered
            case 410:
                try? await store.write { try await subscription.remove(channelID: channelID, in: $0) }
                return .refused("HTTP 410: the subscriber is gone; its subscription was removed")
            case 408, 425, 429, 500..<600:
                return .retry("HTTP \(response.status)", after: response.header("Retry-After").flatMap(PostQueueDriver.retryAfterSeconds))
            default:
                return .refused("HTTP \(response.status)")
            }
        } catch {
            switch error.kind {
            case .timedOut, .connectionFailed: return .retry(error.message, after: nil)
            case .invalidURL, .privateAddress, .unknownHost, .tooLarge, .tooManyRedirects: return .refused(error.message)
            }
        }
    }
}
