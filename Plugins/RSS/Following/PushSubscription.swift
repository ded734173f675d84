public import Foundation
public import JunctionCore

/// This hub's WebSub subscription to a followed feed's hub. Kept in the feed xchan's `xconfig`
/// (family `rss`, key `push`), apart from ``FeedState``, so a verification arriving during a
/// poll is never overwritten by it; the callback token is indexed in the site `config`
/// (family `rss.push`) to find the feed from a callback URL.
public struct PushSubscription: Codable, Sendable, Equatable {
    public enum State: String, Codable, Sendable {
        /// Asked for, not verified yet.
        case requested
        /// Verified by the hub; pushes are taken in.
        case active
        /// The hub refused or denied it.
        case refused
    }

    public var hub: String
    public var topic: String
    /// The path token of our callback URL (`/websub/callback/TOKEN`).
    public var token: String
    /// The HMAC secret given to the hub; pushes must be signed with it.
    public var secret: String
    public var state: State
    public var leaseExpires: Date?
    public var requested: Date
    public var lastError: String?

    /// True while the hub pushes to us: verified and within its lease.
    public func isActive(at now: Date) -> Bool { state == .active && (leaseExpires ?? .distantFuture) > now }

    static let family = RSSDriver.networkName
    static let key = "push"
    static let tokenFamily = "rss.push"

    static func load(_ feedHash: String, in session: any StoreSession) async throws -> PushSubscription? {
        try await session.configJSON(.xchan(feedHash), family: family, key: key)
    }

    /// The feed a callback token belongs to, and its subscription.
    static func find(token: String, in session: any StoreSession) async throws -> (XChan, PushSubscription)? {
        guard token.count <= 64, let hash = try await session.configValue(.site, family: tokenFamily, key: token),
              let xchan = try await session.xchan(hash: hash), let push = try await load(hash, in: session), push.token == token
        else { return nil }
        return (xchan, push)
    }

    func save(for feedHash: String, in session: any StoreSession) async throws {
        if let previous = try await Self.load(feedHash, in: session), previous.token != token {
            try await session.removeConfigValue(.site, family: Self.tokenFamily, key: previous.token)
        }
        try await session.setConfigValue(.site, family: Self.tokenFamily, key: token, value: feedHash)
        try await session.setConfigJSON(.xchan(feedHash), family: Self.family, key: Self.key, value: self)
    }
}
