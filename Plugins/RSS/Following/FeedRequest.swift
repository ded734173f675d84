import Foundation
import JunctionCore

/// How feeds and pages are fetched: what is accepted, and the limits from ``RSSSettings``.
enum FeedRequest {
    /// Feed types first, then XML and JSON in general, then HTML pages (for autodiscovery).
    static let accept = "application/atom+xml, application/rss+xml, application/feed+json, application/rdf+xml;q=0.9, "
        + "application/xml;q=0.8, text/xml;q=0.8, application/json;q=0.7, text/html;q=0.5, */*;q=0.1"

    static func get(_ url: URL, settings: RSSSettings, headers: [(name: String, value: String)] = []) -> FetchRequest {
        FetchRequest(url: url, accept: accept, headers: headers, maximumBytes: settings.maximumBytes,
                     timeout: .milliseconds(Int64(settings.timeout * 1000)), maximumRedirects: 5)
    }

    /// The parser's hints from a response: content type, final URL, `Content-Location`, `Content-Language`.
    static func transport(of response: FetchResponse) -> FeedTransport {
        FeedTransport(contentType: response.header("Content-Type"), url: response.url.absoluteString,
                      contentLocation: response.header("Content-Location"), contentLanguage: response.header("Content-Language"))
    }

    /// The URL to remember for a feed that answered `response` to a request for `requested`: the
    /// end of the redirects when every one was permanent, else the URL asked for.
    static func canonicalURL(requested: URL, response: FetchResponse) -> URL {
        response.permanentRedirects.last == response.url ? response.url : requested
    }
}
