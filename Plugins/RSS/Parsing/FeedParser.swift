public import Foundation
import JunctionXML

/// Parses feed documents from untrusted sources. Never throws and never crashes on bad input:
/// what could be recovered is returned, with ``ParsedFeed/problem`` saying what was wrong.
public enum FeedParser {
    /// Largest document parsed; larger ones are refused before reading.
    public static let maximumBytes = 16 << 20

    /// Parses `data` (the raw response body) with the transport's hints.
    public static func parse(_ data: Data, transport: FeedTransport = FeedTransport()) -> ParsedFeed {
        var feed = ParsedFeed()
        guard !data.isEmpty else {
            feed.problem = "EmptyDocument: the document is empty"
            return feed
        }
        guard data.count <= maximumBytes else {
            feed.problem = "TooLarge: the document is larger than \(maximumBytes) bytes"
            return feed
        }
        let decoded = FeedDecoding(data, transport: transport)
        feed.encoding = decoded.encoding
        feed.problem = decoded.problem
        if JSONFeedReader.isJSONFeed(decoded.utf8, mediaType: decoded.mediaType) {
            return JSONFeedReader.read(decoded.text, transport: transport, into: feed)
        }
        let (parsed, netscape) = xmlTree(decoded)
        let tree: XMLTree
        switch parsed {
        case .success(let parsed):
            tree = parsed
        case .failure(let error):
            feed.problem = feed.problem ?? "SAXParseException: \(error)"
            if netscape { feed.version = "rss091n" }
            return feed
        }
        if !tree.isWellFormed, feed.problem == nil || feed.problem?.hasPrefix("NonXMLContentType") == true {
            feed.problem = "SAXParseException: the document is not well-formed XML"
        }
        let read = XMLFeedReader.read(tree, transport: transport, netscape: netscape)
        feed.version = read.version
        feed.apply(read.feed)
        feed.entries = read.entries.map { ParsedEntry($0.0, scope: $0.1) }
        if read.version.isEmpty, feed.problem == nil {
            feed.problem = "NotAFeed: the document is XML but not RSS, RDF or Atom"
        }
        return feed
    }
}

extension FeedParser {
    /// The document's XML tree and whether its DOCTYPE named Netscape's RSS 0.91; the bytes
    /// handed to libxml2 are freed here, before the tree is read.
    private static func xmlTree(_ decoded: FeedDecoding) -> (Result<XMLTree, XMLTreeError>, netscape: Bool) {
        let (xml, netscape) = FeedDoctype.replace(decoded.xmlUTF8)
        return (Result { () throws(XMLTreeError) in try XMLTree(utf8: xml, maximumBytes: maximumBytes * 2) }, netscape)
    }
}

extension ParsedFeed {
    mutating func apply(_ fields: FeedFields) {
        title = fields.title
        subtitle = fields.subtitle
        links = fields.links
        link = fields.link
        id = fields.id
        language = fields.language
        authors = fields.authors
        authorText = fields.authorText
        published = fields.published
        updated = fields.updated
        tags = fields.tags
        icon = fields.icon
        logo = fields.logo
        image = fields.image
    }
}

extension ParsedEntry {
    init(_ fields: FeedFields, scope: XMLFeedReader.Scope) {
        self.init()
        id = fields.id
        guidIsLink = fields.guidIsLink ?? false
        title = fields.title
        summary = fields.summary
        content = fields.content
        links = fields.links
        link = fields.link
        published = fields.published
        updated = fields.updated
        authors = fields.authors
        authorText = fields.authorText
        tags = fields.tags
        language = scope.language
        base = scope.base
    }
}
