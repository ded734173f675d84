/// The fields an RSS channel, Atom feed, item or entry can carry, collected in document order
/// before they become a ``ParsedFeed`` or ``ParsedEntry``.
struct FeedFields {
    var title: FeedText?
    /// RSS `description`, Atom `summary` (entries).
    var summary: FeedText?
    /// Atom `subtitle`/`tagline`, RSS channel `description`.
    var subtitle: FeedText?
    var content: [FeedText] = []
    var hasContent = false
    var links: [FeedLink] = []
    var link: String?
    var id: String?
    var guidIsLink: Bool?
    var published: FeedDate?
    var updated: FeedDate?
    var authors: [FeedPerson] = []
    /// The last author as free text (RSS `author`, `dc:creator`), kept as written.
    var authorText: String?
    var tags: [FeedTag] = []
    var language: String?
    var icon: String?
    var logo: String?
    var image: String?

    mutating func addTag(_ tag: FeedTag) {
        let empty = { (text: String?) in text?.isEmpty ?? true }
        guard !(empty(tag.term) && empty(tag.scheme) && empty(tag.label)), !tags.contains(tag) else { return }
        tags.append(tag)
    }
}
