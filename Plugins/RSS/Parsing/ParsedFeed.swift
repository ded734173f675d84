public import Foundation

/// A feed in any supported format (RSS 0.9x/1.0/2.0, Atom 0.3/1.0, JSON Feed), reduced to
/// network-neutral fields. Produced by ``FeedParser``; every string is bounded in size.
public struct ParsedFeed: Sendable {
    /// The format and version in feedparser's spelling: `rss20`, `rss10`, `atom10`, `json11`, … or `""`.
    public var version = ""
    /// The encoding the bytes were decoded with (lower-case codec name), `""` when none worked.
    public var encoding = ""
    /// Why the document is not a clean feed (ill-formed XML, wrong encoding, not a feed type),
    /// nil when it is. What was recovered is still returned.
    public var problem: String?
    public var title: FeedText?
    public var subtitle: FeedText?
    public var links: [FeedLink] = []
    /// The first HTML alternate link (the site).
    public var link: String?
    public var id: String?
    public var language: String?
    public var authors: [FeedPerson] = []
    /// The author as free text when the feed wrote it so (RSS `managingEditor`, `dc:creator`).
    public var authorText: String?
    public var published: FeedDate?
    public var updated: FeedDate?
    public var tags: [FeedTag] = []
    /// Atom `icon`, Atom `logo` and RSS `<image><url>`: candidates for the feed's avatar.
    public var icon: String?
    public var logo: String?
    public var image: String?
    public var entries: [ParsedEntry] = []

    /// True when the document needed repair or was declared wrongly (feedparser's `bozo`).
    public var isIllFormed: Bool { problem != nil }

    public init() {}
}

/// One item of a feed.
public struct ParsedEntry: Sendable {
    /// The id as written (Atom `id`, RSS `guid`, RDF `rdf:about`, JSON `id`).
    public var id: String?
    /// True when an RSS guid is a permalink and stands in for the missing link.
    public var guidIsLink = false
    public var title: FeedText?
    /// Atom `summary`, RSS `description`.
    public var summary: FeedText?
    /// Full content bodies (Atom `content`, `content:encoded`, `xhtml:body`).
    public var content: [FeedText] = []
    public var links: [FeedLink] = []
    /// The HTML alternate link (the item's page).
    public var link: String?
    public var published: FeedDate?
    public var updated: FeedDate?
    public var authors: [FeedPerson] = []
    /// The author as free text when the item wrote it so (RSS `author`, `dc:creator`).
    public var authorText: String?
    /// Atom categories, RSS `category`, `dc:subject`.
    public var tags: [FeedTag] = []
    /// The in-scope language and base URL of the entry element.
    public var language: String?
    public var base: String?

    /// Enclosures (podcast media, images): the links of rel `enclosure`.
    public var attachments: [FeedLink] { links.filter { $0.rel == "enclosure" } }

    /// An id that is stable across polls: the given one, else a hash of link, title and date.
    public var stableID: String {
        if let id, !id.isEmpty { return id }
        let seed = [link, title?.value, published?.raw ?? updated?.raw, link == nil && title == nil ? summary?.value : nil]
            .map { $0 ?? "" }.joined(separator: "\u{1F}")
        return "urn:junction:rss:" + StableHash.hex(seed)
    }

    public init() {}
}

/// A text construct: the value, its MIME type (`text/plain`, `text/html`,
/// `application/xhtml+xml`), language and base. HTML values are already sanitised and their
/// relative URLs resolved.
public struct FeedText: Sendable, Equatable {
    public var type: String
    public var value: String
    public var language: String?
    public var base: String
    /// Atom `content src`: the content lives at this URL.
    public var source: String?

    public init(type: String, value: String, language: String? = nil, base: String = "", source: String? = nil) {
        self.type = type
        self.value = value
        self.language = language
        self.base = base
        self.source = source
    }

    /// True for `text/html` and `application/xhtml+xml`.
    public var isHTML: Bool { type == "text/html" || type == "application/xhtml+xml" }
}

/// A link: alternate page, enclosure, self, hub, …
public struct FeedLink: Sendable, Equatable {
    public var rel: String
    public var href: String?
    public var type: String?
    public var title: String?
    /// Size in bytes as written (enclosures).
    public var length: String?
    public var hreflang: String?

    public init(rel: String, href: String?, type: String? = nil, title: String? = nil, length: String? = nil, hreflang: String? = nil) {
        self.rel = rel
        self.href = href
        self.type = type
        self.title = title
        self.length = length
        self.hreflang = hreflang
    }
}

/// An author: name, email and home page, whichever were given.
public struct FeedPerson: Sendable, Equatable {
    public var name: String?
    public var email: String?
    public var href: String?

    public init(name: String? = nil, email: String? = nil, href: String? = nil) {
        self.name = name
        self.email = email
        self.href = href
    }

    public var isEmpty: Bool { name == nil && email == nil && href == nil }
}

/// A category.
public struct FeedTag: Sendable, Equatable {
    public var term: String?
    public var scheme: String?
    public var label: String?

    public init(term: String?, scheme: String? = nil, label: String? = nil) {
        self.term = term
        self.scheme = scheme
        self.label = label
    }
}

/// A date as written and, when it could be read, the instant it names.
public struct FeedDate: Sendable, Equatable {
    public var raw: String
    public var date: Date?

    public init(raw: String) {
        self.raw = raw
        date = FeedDateParser.parse(raw)
    }
}
