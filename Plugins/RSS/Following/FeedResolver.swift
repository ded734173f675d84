import Foundation
import JunctionCore

/// URL discovery, the last step of the discovery chain: a URL that serves a feed is that feed;
/// an HTML page is searched for the feeds it links (``FeedAutodiscovery``) and the best one that
/// really is a feed wins. The identity is an xchan of network `rss` keyed by the feed's URL,
/// with no hubloc: feeds are polled, nothing is delivered to them.
struct FeedResolver: Resolver {
    let name = "feed"
    let network = RSSDriver.networkName
    let rank = ResolverRank.url
    let fetcher: any Fetcher
    let settings: RSSSettings

    /// Linked feeds tried on a page before giving up.
    static let candidatesTried = 3

    func resolve(_ address: DiscoveryAddress) async -> ResolverAnswer {
        guard case .url(let url) = address.kind, address.isWebResolvable else { return .notRecognised("not a web URL") }
        let first: (URL, FetchResponse, ParsedFeed)
        switch await read(url) {
        case .success(let read): first = read
        case .failure(let reason): return .notRecognised(reason.message)
        }
        if !first.2.version.isEmpty { return .found(xchan: FeedIdentity.xchan(of: first.2, url: first.0), hublocs: []) }
        let response = first.1
        let linked = FeedAutodiscovery.feeds(inPage: response.body, url: response.url,
                                             charset: response.header("Content-Type").flatMap { FeedDecoding.split(contentType: $0).1 })
        guard !linked.isEmpty else {
            return .notRecognised("\(url.absoluteString) is neither a feed nor a page that links one (\(response.mediaType ?? "no content type"))")
        }
        var reasons: [String] = []
        for candidate in linked.prefix(Self.candidatesTried) {
            switch await read(candidate) {
            case .success(let (feedURL, _, parsed)) where !parsed.version.isEmpty:
                return .found(xchan: FeedIdentity.xchan(of: parsed, url: feedURL), hublocs: [])
            case .success(let (feedURL, _, parsed)):
                reasons.append("\(feedURL.absoluteString) is not a feed (\(parsed.problem ?? "no feed elements"))")
            case .failure(let reason):
                reasons.append(reason.message)
            }
        }
        return .notRecognised("the feeds \(url.absoluteString) links could not be read: " + reasons.joined(separator: "; "))
    }

    private struct Failure: Error {
        let message: String
    }

    /// Fetches and parses `url`; a failure names the URL and the reason.
    private func read(_ url: URL) async -> Result<(URL, FetchResponse, ParsedFeed), Failure> {
        let response: FetchResponse
        do {
            response = try await fetcher.fetch(FeedRequest.get(url, settings: settings))
        } catch {
            return .failure(Failure(message: error.message))
        }
        guard (200..<300).contains(response.status) else {
            return .failure(Failure(message: "\(url.absoluteString) answered HTTP \(response.status)"))
        }
        let parsed = FeedParser.parse(response.body, transport: FeedRequest.transport(of: response))
        return .success((FeedRequest.canonicalURL(requested: url, response: response), response, parsed))
    }
}
