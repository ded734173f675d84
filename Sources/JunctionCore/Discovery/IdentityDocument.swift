/// What a network publishes about an identity, in the shape of a WebFinger JRD (RFC 7033 4.4):
/// the subject, its aliases, properties and typed links. Drivers add links for local channels
/// through the `webfinger` hook and recognise their own links in documents found by discovery.
public struct IdentityDocument: Sendable, Hashable {
    public var subject: String?
    /// RFC 6415 `Expires`, as written.
    public var expires: String?
    public var aliases: [String]
    /// Property URIs and their values (`nil` is JSON `null` / `xsi:nil`).
    public var properties: [String: String?]
    public var links: [IdentityLink]

    public init(subject: String? = nil, expires: String? = nil, aliases: [String] = [], properties: [String: String?] = [:],
                links: [IdentityLink] = []) {
        self.subject = subject
        self.expires = expires
        self.aliases = aliases
        self.properties = properties
        self.links = links
    }

    /// The first link with `rel` (and `type`, when given; compared case-insensitively).
    public func link(_ rel: String, type: String? = nil) -> IdentityLink? {
        links.first { $0.rel == rel && (type == nil || $0.type?.lowercased() == type?.lowercased()) }
    }

    /// The display name (`http://webfinger.net/ns/name`), when published.
    public var name: String? { properties[IdentityLink.Rel.name].flatMap { $0 } }
    /// The avatar image URL.
    public var avatar: String? { link(IdentityLink.Rel.avatar)?.href }
    /// The HTML profile page.
    public var profilePage: String? { link(IdentityLink.Rel.profilePage)?.href }
}

/// One typed link of an ``IdentityDocument``.
public struct IdentityLink: Sendable, Hashable {
    public var rel: String
    public var type: String?
    public var href: String?
    /// An RFC 6415 template (`{uri}`), instead of `href`.
    public var template: String?
    /// Titles by language tag (`default` when untagged).
    public var titles: [String: String]
    public var properties: [String: String?]

    public init(rel: String, type: String? = nil, href: String? = nil, template: String? = nil, titles: [String: String] = [:],
                properties: [String: String?] = [:]) {
        self.rel = rel
        self.type = type
        self.href = href
        self.template = template
        self.titles = titles
        self.properties = properties
    }

    /// Link relations and property names Junction writes and reads. The Junction, OFSCP and
    /// FXGP relation types are defined in `docs/protocols/webfinger.md`.
    public enum Rel {
        public static let profilePage = "http://webfinger.net/rel/profile-page"
        public static let avatar = "http://webfinger.net/rel/avatar"
        /// Property: the identity's display name.
        public static let name = "http://webfinger.net/ns/name"
        public static let alternate = "alternate"
        public static let hub = "hub"
        public static let `self` = "self"
        /// The Junction hub serving a channel (`href`: the hub's inbox, where deliveries go).
        public static let junction = "tag:junction-hub.org,2026:rel/junction"
        /// Property on the Junction link: the channel's Ed25519 public key, standard base64.
        public static let channelKey = "tag:junction-hub.org,2026:ns/channel-key"
        /// Property on the Junction link: the hub's Ed25519 site key, standard base64.
        public static let siteKey = "tag:junction-hub.org,2026:ns/site-key"
        /// An OFSCP provider's discovery document (`href`: `https://provider/.well-known/ofscp-provider`).
        public static let ofscpProvider = "tag:junction-hub.org,2026:rel/ofscp-provider"
        /// An FXGP server (`href`: `fxgp://host:port`).
        public static let fxgpServer = "tag:junction-hub.org,2026:rel/fxgp-server"
    }
}
