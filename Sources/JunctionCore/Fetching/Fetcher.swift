public import Foundation

/// Outbound HTTP requests for drivers (WebFinger lookups, feed polls, page autodiscovery, WebSub
/// subscriptions), with the
/// hub's limits applied: a body cap, a deadline, a redirect limit, and loopback, private and
/// link-local destinations refused (after DNS resolution, on every hop) unless the operator
/// allows private networks.
public protocol Fetcher: Sendable {
    /// True when the operator allows loopback and private destinations (development hubs).
    var allowsPrivateNetwork: Bool { get }

    /// Sends `request`; throws ``FetchError`` naming the limit or failure.
    func fetch(_ request: FetchRequest) async throws(FetchError) -> FetchResponse
}

/// One request: a GET unless ``method`` says otherwise.
public struct FetchRequest: Sendable {
    public var url: URL
    /// `GET`, or `POST` with ``body`` (a 303 redirect turns it into a GET).
    public var method: String
    public var body: Data?
    /// The media type of ``body``.
    public var contentType: String?
    /// The `Accept` header.
    public var accept: String
    /// Extra headers (`If-None-Match`, `If-Modified-Since`…).
    public var headers: [(name: String, value: String)]
    /// The largest (decompressed) body accepted.
    public var maximumBytes: Int
    /// The deadline for the whole exchange, redirects included.
    public var timeout: Duration
    /// How many redirects are followed.
    public var maximumRedirects: Int

    public init(url: URL, accept: String = "*/*", headers: [(name: String, value: String)] = [], maximumBytes: Int = 1 << 20,
                timeout: Duration = .seconds(10), maximumRedirects: Int = 5, method: String = "GET", body: Data? = nil,
                contentType: String? = nil) {
        self.url = url
        self.method = method
        self.body = body
        self.contentType = contentType
        self.accept = accept
        self.headers = headers
        self.maximumBytes = maximumBytes
        self.timeout = timeout
        self.maximumRedirects = maximumRedirects
    }
}

/// What a GET returned.
public struct FetchResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: Data
    /// The URL that answered, after redirects.
    public var url: URL
    /// Redirects that were permanent (301, 308) on the way, in order.
    public var permanentRedirects: [URL]

    public init(status: Int, headers: [(name: String, value: String)], body: Data, url: URL, permanentRedirects: [URL] = []) {
        self.status = status
        self.headers = headers
        self.body = body
        self.url = url
        self.permanentRedirects = permanentRedirects
    }

    /// The first value of header `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// The media type of `Content-Type`, lowercased, without parameters.
    public var mediaType: String? {
        header("Content-Type")?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
    }
}

/// Why a fetch failed, in words an operator can act on.
public struct FetchError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case invalidURL = "invalid_url"
        case privateAddress = "private_address"
        case unknownHost = "unknown_host"
        case connectionFailed = "connection_failed"
        case timedOut = "timed_out"
        case tooLarge = "too_large"
        case tooManyRedirects = "too_many_redirects"
    }

    public var kind: Kind
    public var message: String
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }
    public var description: String { message }
}
