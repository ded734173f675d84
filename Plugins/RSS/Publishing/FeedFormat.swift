public import JunctionCore

/// The feed formats every public channel is published in.
public enum FeedFormat: String, CaseIterable, Sendable {
    case rss
    case atom
    case json

    /// The `Content-Type` it is served with.
    public var mediaType: String {
        switch self {
        case .rss: "application/rss+xml"
        case .atom: "application/atom+xml"
        case .json: "application/feed+json"
        }
    }

    /// The file name under the channel's URL (`feed.rss`).
    public var fileName: String { "feed.\(rawValue)" }

    /// The feed's URL for channel `handle`.
    public func url(for handle: Handle, domain: HubDomain) -> String { "\(domain.baseURL)/channel/\(handle)/\(fileName)" }
}
