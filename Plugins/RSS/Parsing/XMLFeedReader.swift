import Foundation
import JunctionXML

/// Reads RSS 0.9x/2.0, RSS 1.0 (RDF) and Atom 0.3/1.0 from an ``XMLTree`` into feed fields.
/// Elements are matched by namespace and lower-cased local name, so the format's dialects
/// (Atom 0.3 names, RSS in Userland's namespace, upper-case RSS) all land in the same fields.
struct XMLFeedReader {
    /// Namespaces whose elements are the core vocabulary (no prefix).
    private static let coreNamespaces: Set<String> = [
        "", "http://www.w3.org/2005/atom", "http://purl.org/atom/ns#", "http://purl.org/rss/1.0/",
        "http://my.netscape.com/rdf/simple/0.9/", "http://backend.userland.com/rss", "http://backend.userland.com/rss2",
        "http://blogs.law.harvard.edu/tech/rss", "http://purl.org/net/rss1.1#", "http://example.com/newformat#",
    ]
    private static let prefixes: [String: String] = [
        "http://purl.org/dc/elements/1.1/": "dc", "http://purl.org/dc/terms/": "dcterms",
        "http://purl.org/rss/1.0/modules/content/": "content", "http://www.w3.org/1999/xhtml": "xhtml",
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf", "http://purl.org/syndication/thread/1.0": "thr",
    ]
    /// Longest kept text of one field: larger values are cut, never parsed further.
    static let maximumFieldBytes = 1 << 20
    /// Most entries read from one document.
    static let maximumEntries = 10_000

    /// The in-scope base URL and language of an element.
    struct Scope {
        var base: String
        var language: String?
    }

    private(set) var version = ""

    /// The feed fields, entries and version of `tree`.
    static func read(_ tree: XMLTree, transport: FeedTransport, netscape: Bool) -> (version: String, feed: FeedFields, entries: [(FeedFields, Scope)]) {
        var reader = XMLFeedReader()
        guard let root = tree.root else { return ("", FeedFields(), []) }
        let documentScope = Scope(base: transport.baseURL, language: transport.contentLanguage)
        let rootScope = reader.scope(of: root, inside: documentScope)
        let rootKey = key(root)
        var feed = FeedFields()
        if let language = rootScope.language, ["feed", "rss", "rdf_rdf"].contains(rootKey) {
            feed.language = language.replacingOccurrences(of: "_", with: "-")
        } else if let language = transport.contentLanguage {
            feed.language = language
        }
        var entries: [(FeedFields, Scope)] = []
        switch rootKey {
        case "rss":
            reader.version = netscape ? "rss091n" : rssVersion(root.attribute("version") ?? "")
            for channel in root.children where key(channel) == "channel" {
                let channelScope = reader.scope(of: channel, inside: rootScope)
                reader.readContainer(channel, scope: channelScope, into: &feed)
                reader.readEntries(of: channel, scope: channelScope, into: &entries)
            }
            reader.readEntries(of: root, scope: rootScope, into: &entries)
        case "rdf_rdf":
            let channelNamespace = root.children.first { $0.name.lowercased() == "channel" }?.namespaceURI?.lowercased() ?? ""
            reader.version = netscape ? "rss091n" : channelNamespace == "http://my.netscape.com/rdf/simple/0.9/" ? "rss090" : "rss10"
            for child in root.children {
                let childScope = reader.scope(of: child, inside: rootScope)
                switch key(child) {
                case "channel":
                    reader.readContainer(child, scope: childScope, into: &feed)
                    reader.readEntries(of: child, scope: childScope, into: &entries)
                case "image": reader.readImage(child, scope: childScope, into: &feed)
                default: break
                }
            }
            reader.readEntries(of: root, scope: rootScope, into: &entries)
        case "feed":
            if root.namespaceURI?.lowercased() == "http://www.w3.org/2005/atom" {
                reader.version = "atom10"
            } else {
                reader.version = ["0.1": "atom01", "0.2": "atom02", "0.3": "atom03"][root.attribute("version") ?? ""] ?? "atom"
            }
            reader.readContainer(root, scope: rootScope, into: &feed)
            reader.readEntries(of: root, scope: rootScope, into: &entries)
        case "channel":
            reader.readContainer(root, scope: rootScope, into: &feed)
            reader.readEntries(of: root, scope: rootScope, into: &entries)
        default:
            break
        }
        return (reader.version, feed, entries)
    }

    private static func rssVersion(_ attribute: String) -> String {
        switch attribute {
        case "0.91": "rss091u"
        case "0.92": "rss092"
        case "0.93": "rss093"
        case "0.94": "rss094"
        default: attribute.hasPrefix("2.") ? "rss20" : "rss"
        }
    }

    /// `title`, `dc_creator`, `content_encoded`, …: the name feedparser's handlers use.
    static func key(_ element: XMLTree.Element) -> String {
        let name = element.name.lowercasedIfNeeded
        guard let namespace = element.namespaceURI?.lowercasedIfNeeded, !namespace.isEmpty else { return name }
        if coreNamespaces.contains(namespace) || namespace.contains(ascii: "backend.userland.com/rss") { return name }
        return (prefixes[namespace] ?? "other") + "_" + name
    }

    /// The scope inside `element`: its `xml:base` resolved (unsafe schemes ignored) and its `xml:lang`.
    func scope(of element: XMLTree.Element, inside outer: Scope) -> Scope {
        var scope = outer
        let xmlNamespace = "http://www.w3.org/XML/1998/namespace"
        if let base = element.attribute("base", namespace: xmlNamespace) ?? element.attribute("base"), !base.isEmpty {
            scope.base = outer.base.isEmpty ? FeedURI.join(outer.base, base) : (FeedURI.safeJoin(outer.base, base).nonEmpty ?? outer.base)
        }
        if let language = element.attribute("lang", namespace: xmlNamespace) ?? element.attribute("lang") {
            scope.language = language.isEmpty ? nil : language
        }
        return scope
    }

    private func readEntries(of parent: XMLTree.Element, scope: Scope, into entries: inout [(FeedFields, Scope)]) {
        for child in parent.children where ["item", "entry"].contains(key(child)) {
            guard entries.count < Self.maximumEntries else { return }
            let entryScope = self.scope(of: child, inside: scope)
            var fields = FeedFields()
            if let about = child.attribute("about", namespace: "http://www.w3.org/1999/02/22-rdf-syntax-ns#") { fields.id = about }
            readContainer(child, scope: entryScope, into: &fields, isEntry: true)
            entries.append((fields, entryScope))
        }
    }

    private func key(_ element: XMLTree.Element) -> String { Self.key(element) }

    /// Reads the children of a channel, feed, item or entry into `fields`; items and entries
    /// found inside go to `entries`.
    private func readContainer(_ container: XMLTree.Element, scope: Scope, into fields: inout FeedFields, isEntry: Bool = false) {
        var guidIsPermalink = false
        for child in container.children {
            let childScope = self.scope(of: child, inside: scope)
            let name = key(child)
            switch name {
            case "item", "entry":
                continue
            case "title":
                fields.title = text(child, scope: childScope, defaultType: "text/plain", field: "title")
            case "description":
                if fields.summary != nil, !fields.hasContent, isEntry {
                    fields.content.append(text(child, scope: childScope, defaultType: "text/plain", field: "content"))
                } else if isEntry {
                    fields.summary = text(child, scope: childScope, defaultType: "text/html", field: "description")
                } else {
                    fields.subtitle = text(child, scope: childScope, defaultType: "text/html", field: "description")
                }
            case "summary":
                if fields.summary != nil, !fields.hasContent {
                    fields.content.append(text(child, scope: childScope, defaultType: "text/plain", field: "content"))
                } else if isEntry {
                    fields.summary = text(child, scope: childScope, defaultType: "text/plain", field: "summary")
                } else {
                    fields.subtitle = text(child, scope: childScope, defaultType: "text/plain", field: "summary")
                }
            case "subtitle", "tagline":
                fields.subtitle = text(child, scope: childScope, defaultType: "text/plain", field: "subtitle")
            case "content":
                fields.hasContent = true
                var body = text(child, scope: childScope, defaultType: "text/plain", field: "content")
                body.source = child.attribute("src")
                fields.content.append(body)
            case "content_encoded", "fullitem":
                fields.hasContent = true
                fields.content.append(text(child, scope: childScope, defaultType: "text/html", field: "content"))
            case "xhtml_body", "body":
                fields.hasContent = true
                fields.content.append(text(child, scope: childScope, defaultType: "application/xhtml+xml", field: "content"))
            case "link":
                readLink(child, scope: childScope, into: &fields, isEntry: isEntry)
            case "guid":
                guidIsPermalink = (attribute(child, "ispermalink") ?? "true") == "true"
                var value = plainText(child)
                if guidIsPermalink { value = FeedURI.join(childScope.base, value) }
                fields.id = value
                if fields.guidIsLink == nil { fields.guidIsLink = guidIsPermalink && fields.link == nil }
                if guidIsPermalink, fields.link == nil { fields.link = value }
            case "id":
                var value = plainText(child)
                if guidIsPermalink { value = FeedURI.join(childScope.base, value) }
                fields.id = value
            case "pubdate", "published", "issued", "dcterms_issued":
                fields.published = FeedDate(raw: plainText(child))
            case "updated", "modified", "lastbuilddate", "dc_date", "dcterms_modified":
                fields.updated = FeedDate(raw: plainText(child))
            case "author", "managingeditor", "dc_author", "dc_creator":
                readAuthor(child, scope: childScope, into: &fields)
            case "category", "dc_subject":
                readCategory(child, into: &fields)
            case "enclosure":
                var link = FeedLink(rel: "enclosure", href: attribute(child, "url") ?? attribute(child, "href"))
                link.type = attribute(child, "type")
                link.length = attribute(child, "length")
                link.title = attribute(child, "title")
                fields.links.append(link)
            case "language", "dc_language":
                fields.language = plainText(child)
            case "icon":
                fields.icon = FeedURI.join(childScope.base, plainText(child))
            case "logo":
                fields.logo = FeedURI.join(childScope.base, plainText(child))
            case "image" where !isEntry:
                readImage(child, scope: childScope, into: &fields)
            default:
                continue
            }
        }
    }

    /// An attribute by case-insensitive name, without namespace.
    private func attribute(_ element: XMLTree.Element, _ name: String) -> String? {
        element.attribute(ignoringCase: name)
    }

    /// The element's text, trimmed and capped.
    private func plainText(_ element: XMLTree.Element) -> String {
        Self.capped(element.text).trimmingWhitespace
    }

    static func capped(_ text: String) -> String {
        guard text.utf8.count > maximumFieldBytes else { return text }
        return String(decoding: text.utf8.prefix(maximumFieldBytes), as: UTF8.self)
    }

    private func readLink(_ element: XMLTree.Element, scope: Scope, into fields: inout FeedFields, isEntry: Bool) {
        let rel = attribute(element, "rel")?.lowercased() ?? "alternate"
        let type = attribute(element, "type")?.lowercased() ?? (rel == "self" ? "application/atom+xml" : "text/html")
        var link = FeedLink(rel: rel, href: nil, type: type, title: attribute(element, "title"),
                            length: attribute(element, "length"), hreflang: attribute(element, "hreflang"))
        if let href = attribute(element, "href") ?? attribute(element, "url") {
            link.href = FeedURI.join(scope.base, href)
            fields.links.append(link)
            if rel == "alternate", type == "text/html" || type == "application/xhtml+xml" { fields.link = link.href }
            return
        }
        var value = FeedURI.join(scope.base, plainText(element))
        if isEntry { value = value.replacingOccurrences(ofASCII: "&amp;", with: "&") }
        value = Self.unterminatingReferences(value)
        fields.link = value
        if !value.isEmpty || !isEntry { link.href = value }
        fields.links.append(link)
    }

    /// `?a=1&b;=2` → `?a=1&b=2`: undoes a common mis-escaping of query strings.
    private static func unterminatingReferences(_ text: String) -> String {
        guard text.mightContain(ascii: "&"), text.mightContain(ascii: ";") else { return text }
        var out = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            out += rest[...amp]
            rest = rest[rest.index(after: amp)...]
            let name = rest.prefix { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
            if !name.isEmpty, rest.dropFirst(name.count).first == ";" {
                out += name
                rest = rest.dropFirst(name.count + 1)
            }
        }
        return out + rest
    }

    private func readImage(_ element: XMLTree.Element, scope: Scope, into fields: inout FeedFields) {
        for child in element.children where ["url", "href"].contains(key(child)) {
            fields.image = FeedURI.join(self.scope(of: child, inside: scope).base, plainText(child))
        }
    }

    private func readCategory(_ element: XMLTree.Element, into fields: inout FeedFields) {
        fields.addTag(FeedTag(term: attribute(element, "term"), scheme: attribute(element, "scheme") ?? attribute(element, "domain"),
                              label: attribute(element, "label")))
        let value = plainText(element)
        guard !value.isEmpty else { return }
        if let last = fields.tags.indices.last, fields.tags[last].term?.isEmpty ?? true {
            fields.tags[last].term = value
        } else {
            fields.addTag(FeedTag(term: value))
        }
    }

    private func readAuthor(_ element: XMLTree.Element, scope: Scope, into fields: inout FeedFields) {
        var person = FeedPerson()
        let parts = element.children
        if parts.isEmpty {
            let text = plainText(element)
            guard !text.isEmpty else { return }
            fields.authorText = text
            person = Self.person(fromText: text)
        } else {
            for part in parts {
                let value = plainText(part)
                switch key(part) {
                case "name": person.name = value
                case "email": person.email = value
                case "uri", "url", "homepage": person.href = FeedURI.join(self.scope(of: part, inside: scope).base, value)
                default: continue
                }
            }
            fields.authorText = nil
        }
        fields.authors.append(person)
    }

    /// `me@example.com (Me)`, `Me (me@example.com)`, `Me <me@example.com>` → name and email.
    static func person(fromText text: String) -> FeedPerson {
        guard let range = FeedEmail.firstRange(in: text) else { return FeedPerson(name: text) }
        let email = String(text[range])
        var name = text.replacingOccurrences(of: email, with: "").replacingOccurrences(of: "()", with: "")
            .replacingOccurrences(of: "<>", with: "").replacingOccurrences(of: "&lt;&gt;", with: "").trimmingWhitespace
        if name.hasPrefix("(") { name.removeFirst() }
        if name.hasSuffix(")") { name.removeLast() }
        name = name.trimmingWhitespace
        return FeedPerson(name: name.isEmpty ? nil : name, email: email)
    }

    // MARK: Text constructs

    /// A title, summary or content element as a text construct: type from `type`/`mode`,
    /// inline XHTML serialised, base64 decoded, HTML resolved and sanitised.
    private func text(_ element: XMLTree.Element, scope: Scope, defaultType: String, field: String) -> FeedText {
        var type = Self.mediaType(attribute(element, "type") ?? defaultType)
        let mode = attribute(element, "mode")
        let isBase64 = mode == "base64" || !(type.hasPrefix("text/") || type.hasSuffix("+xml") || type.hasSuffix("/xml"))
        var value: String
        if !element.hasChildElements {
            value = Self.capped(element.text)
        } else {
            value = Self.capped(inlineMarkup(element, type: &type))
        }
        value = value.trimmingWhitespace
        if isBase64, let data = Data(base64Encoded: value, options: .ignoreUnknownCharacters), let decoded = String(data: data, encoding: .utf8) {
            value = decoded
        }
        if !version.hasPrefix("atom"), type == "text/plain", FeedHTML.looksLikeHTML(value) { type = "text/html" }
        if type == "text/html" || type == "application/xhtml+xml" {
            value = FeedHTML.clean(value, base: scope.base, type: type, resolveURLs: field != "title")
        }
        return FeedText(type: type, value: value, language: scope.language?.replacingOccurrences(ofASCII: "_", with: "-"), base: scope.base)
    }

    static func mediaType(_ type: String) -> String {
        let lower = type.lowercasedIfNeeded
        switch lower {
        case "text", "plain": return "text/plain"
        case "html": return "text/html"
        case "xhtml": return "application/xhtml+xml"
        default: return lower
        }
    }

    /// Mixed content serialised as markup; an escaped type that turns out to hold elements
    /// becomes XHTML (a lone wrapping `div` is tolerated, as TypePad writes it).
    private func inlineMarkup(_ element: XMLTree.Element, type: inout String) -> String {
        var pieces: [String] = []
        func walk(_ contents: [XMLTree.Content]) {
            for content in contents {
                switch content {
                case .text(let text):
                    pieces.append(type == "application/xhtml+xml" ? Self.xmlEscape(text) : text)
                case .element(let child):
                    let name = child.name.lowercased()
                    let qualified = child.prefix.map { $0.lowercased() + ":" + name } ?? name
                    var skipped = false
                    if !type.hasSuffix("xml") {
                        if qualified == "div" || qualified == "xhtml:div" { skipped = true } else { type = "application/xhtml+xml" }
                    }
                    let markup = !skipped && type == "application/xhtml+xml"
                    if markup {
                        let attributes = child.attributes.map { attribute in
                            let name = (attribute.prefix.map { $0 + ":" } ?? "") + attribute.name
                            return " \(name.lowercased())=\"\(Self.xmlEscape(attribute.value, quotes: true))\""
                        }.joined()
                        pieces.append("<\(name)\(attributes)>")
                    }
                    walk(child.contents)
                    var endSkipped = false
                    if !type.hasSuffix("xml") {
                        if qualified == "div" || qualified == "xhtml:div" { endSkipped = true } else { type = "application/xhtml+xml" }
                    }
                    if !endSkipped, type == "application/xhtml+xml" { pieces.append("</\(name)>") }
                }
            }
        }
        walk(element.contents)
        if version == "atom10", type == "application/xhtml+xml" {
            while pieces.count > 1, pieces.last?.trimmingWhitespace.isEmpty == true { pieces.removeLast() }
            while pieces.count > 1, pieces.first?.trimmingWhitespace.isEmpty == true { pieces.removeFirst() }
            if let first = pieces.first, first == "<div>" || first.hasPrefix("<div "), pieces.last == "</div>" {
                var depth = 0
                var wrapsAll = true
                for piece in pieces.dropLast() {
                    if piece.hasPrefix("</") {
                        depth -= 1
                        if depth == 0 {
                            wrapsAll = false
                            break
                        }
                    } else if piece.hasPrefix("<"), !piece.hasSuffix("/>") {
                        depth += 1
                    }
                }
                if wrapsAll { pieces = Array(pieces.dropFirst().dropLast()) }
            }
        }
        return pieces.joined()
    }

    static func xmlEscape(_ text: String, quotes: Bool = false) -> String {
        var out = text.replacingOccurrences(ofASCII: "&", with: "&amp;").replacingOccurrences(ofASCII: ">", with: "&gt;")
            .replacingOccurrences(ofASCII: "<", with: "&lt;")
        if quotes { out = out.replacingOccurrences(ofASCII: "\"", with: "&quot;") }
        return out
    }
}

extension String {
    /// nil for the empty string.
    var nonEmpty: String? { isEmpty ? nil : self }

    /// `lowercased()`, without a copy when there is nothing to lower.
    var lowercasedIfNeeded: String {
        containsByte { $0 >= 0x80 || ($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z")) } ? lowercased() : self
    }
}
